import os
from .settings import *  # noqa

SECRET_KEY = '$gty$1rb!_jwm(tfug$089=cqj2u@12%z1x&u*1zls)!(%o5%m'
DATABASES['default']['PASSWORD'] = os.environ['DB_PASSWORD']
