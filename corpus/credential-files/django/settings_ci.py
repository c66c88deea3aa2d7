import os
SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY')
SESSION_COOKIE_NAME = 'sessionid'
