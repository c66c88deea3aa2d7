"""Django settings for acme project."""
from pathlib import Path
import os

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = 'django-insecure-90-v4v9@x0w^%u$l2e24+&fs)nj#8hr=ne3dh=pat81^$ib5@d'

DEBUG = True
ALLOWED_HOSTS = []

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': 'acme',
        'USER': 'acme',
        'PASSWORD': 'pass123',
        'HOST': 'db.acme-corp.io',
        'PORT': '5432',
    }
}
