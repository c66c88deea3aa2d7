# Be sure to restart your server when you modify this file.
Acme::Application.config.secret_token = 'eb0e63361c8250982b0016647de8ec9e9057ae884c33fed5b7c528b5fe19b5fbee17098a7f3b1eb496271ff4a04293e91af966a3b70770d8666bae47e559b563'
Acme::Application.config.secret_key_base = ENV.fetch('SECRET_KEY_BASE')
