"""A minimal Django site whose django-allauth `openid_connect` provider points at a running Telegate.

Usage: allauth_login.py ISSUER CLIENT_ID CLIENT_SECRET INIT_DATA

Logs in without a browser: Django's login view redirects to Telegate's authorization endpoint, the hosted page's
form is submitted with the signed `initData`, and the redirect back is followed into allauth's callback, which
redeems the code at Telegate's token endpoint and reads its userinfo endpoint. Prints one JSON object: the new
Django user and the social account allauth stored (its `uid` and `extra_data`).
"""

import json
import sys
from urllib.parse import urlsplit

import django
from django.conf import settings

issuer, client_id, client_secret, init_data = sys.argv[1:5]

settings.configure(
    DEBUG=False,
    SECRET_KEY="telegate-interop-only",
    ALLOWED_HOSTS=["localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.sites",
        "allauth",
        "allauth.account",
        "allauth.socialaccount",
        "allauth.socialaccount.providers.openid_connect",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "allauth.account.middleware.AccountMiddleware",
    ],
    TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    AUTHENTICATION_BACKENDS=["allauth.account.auth_backends.AuthenticationBackend"],
    SITE_ID=1,
    USE_TZ=True,
    LOGIN_REDIRECT_URL="/done/",
    ACCOUNT_EMAIL_VERIFICATION="none",
    SOCIALACCOUNT_AUTO_SIGNUP=True,
    SOCIALACCOUNT_EMAIL_REQUIRED=False,
    SOCIALACCOUNT_PROVIDERS={
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [{
                "provider_id": "telegate",
                "name": "Telegram",
                "client_id": client_id,
                "secret": client_secret,
                # Telegate has no email scope (Telegram has no email); ask for what it has.
                "settings": {"server_url": issuer, "scope": ["openid", "profile", "telegram"]},
            }],
        },
    },
)
django.setup()

from django.urls import include, path  # noqa: E402

urlpatterns = [path("accounts/", include("allauth.urls"))]

import requests  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from hosted_form import log_in  # noqa: E402


def main():
    call_command("migrate", verbosity=0)
    browser = Client(HTTP_HOST="localhost")
    start = browser.post("/accounts/oidc/telegate/login/", {"process": "login"})
    if start.status_code != 302 or not start["Location"].startswith(issuer):
        raise SystemExit(f"allauth did not redirect to Telegate: {start.status_code} {start.get('Location')}")
    callback = log_in(requests.Session(), start["Location"], {"initData": init_data})
    target = urlsplit(callback)
    if target.netloc != "localhost" or target.path != "/accounts/oidc/telegate/login/callback/":
        raise SystemExit(f"Telegate redirected to {target.scheme}://{target.netloc}{target.path}, not allauth's callback")
    finish = browser.get(target.path + "?" + target.query)
    if finish.status_code != 302 or finish["Location"] != "/done/":
        raise SystemExit(f"allauth's callback did not log in: {finish.status_code} {finish.content[:400]!r}")

    from allauth.socialaccount.models import SocialAccount

    account = SocialAccount.objects.get(provider="telegate")
    user = account.user
    print(json.dumps({
        "uid": account.uid,
        "extra_data": account.extra_data,
        "user": {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
                 "email": user.email},
    }))


main()
