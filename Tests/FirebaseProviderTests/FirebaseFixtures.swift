/// A test-only service account (its key was generated for these tests and signs nothing else) and a custom token
/// made from it by PyJWT, an independent JOSE implementation: with the same key, time and claims, Telegate must
/// produce exactly these bytes (RS256 with PKCS #1 v1.5 is deterministic).
enum FirebaseFixtures {
    /// The key JSON, as the Firebase console downloads it.
    static let serviceAccountJSON = #"""
{
  "type": "service_account",
  "project_id": "telegate-test",
  "private_key_id": "3c1f0e7d9a2b4c6d8e0f1a2b3c4d5e6f7a8b9c0d",
  "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEugIBADANBgkqhkiG9w0BAQEFAASCBKQwggSgAgEAAoIBAQDaVZkyQXM2bClK\n59mxGnS43xYEpq3hGI79u/CUkTb2yiWkQzKSNkaeaTdtqx2u2bozCozLNkWdKial\n7yC5iXG6k6aTzb0JYbyX0888AQMmdoq0rBbDrgYQWDuhN1EqQIGdr3KbPBrcjsfi\nacbQ5tyvm+fd5yrQear89nYexgfQkH4zDiwYHEblmzPRSrZz6m8Z0FOlTJFfmX04\nipzZ9qhyT+WLCw+0nAfo2YVqyYC09qi+NSNMNoq3ZhYbbDD2vUlfG0DvNx4zPaAe\nWJT+7AQGYd5DPPp8hm0QnXfDBe3Id/donGDXi5Dj2CotUy9am/JG4weE11VP+sdg\nzQHjxUEHAgMBAAECgf9/gH12W8Jshb2XgM4gHtMLIzw4ex4P1cerZZWZLTRr6qEQ\nzC08NXYIDGnSIZu0AHI8XGzcP1Vn8rWfMYZq01kXHCKrLfq2/9yizY63+99bFt7p\no5WnsHjaEqy/+Q3tHr6S12KWRQNqyfbwwdTZKfi2lNVTQSw/ks3H7CYO0pa9tI+O\nwPgVowHIesqH2jNC+kj2MtRIaR+3r4SkrF95h0B76WMBTgCM4zMScUYmJ2IYZKSB\nm9YPveR1YTITKZC9F6GWKWGOr9+lwwNz8i25HFNs6alH+EaX2eMmv44F5HPq3+HZ\nrOfTaSD8oyHJzeRFo3Ay2s1i+CDnrGqWZC8LUpUCgYEA99IzNc7/FSgjkbzwYCbD\nuxPfGO46wJNbInPS+5u2PbmzvUlgGomlVmIo2TNEXnu2y5ENVzuSKWQbgSRN6QI9\nA8pgtJqHlGOAjophgxvaYszeCWYBsJXIZVamgVqNvQJqAqWgvwWMQ4HP3ewkD+Kz\nesjxXZ0bJLrobMb39FuHzJ0CgYEA4YpFFWKeUmmVePb/L5Po+lWYizqC/fTPgLvT\n2zXb2txKLz+gq8iw6hqRQeSX6iUVgOFhbnL4XY7CLygqBw3qqXLWAGWxXm3mvwQx\n6+zZCZ4i7xLyalQd9OLUXK+fndXC9GBsNfBHTLPFT86Qa4nWIHCZeYuoeLeofh0o\nfqjDqPMCgYA9BTP41tw2UGjZtMUXV9QwF0eCsv4iduYkyJI1w/SOpFAelpekUSo1\n5/uY56e5AAtVeoTnatKlgHHJTbAlZJizezxum/IwVoPMFUTHbK9MTpeJhuV5npf2\nY+yhwzNNS+/gcPnwryQHZ0pQoZmLk82PuTS9UTbix2b9icx6DaOVfQKBgD7xicoo\nFatGUDLMK/epPdHvZX0lvT0Gv4pb4QpCg7MW25VIGp0Wi1kqRPOwyjzMUK4BOGHM\nsEfb+ZGTkfcaCS11IQhHWTLTVRxmHVCMbx3iBjnWfdTy2NFpJH8hfFheOeRdrJV5\nE0zyttRI/8EjXKD9C7gCI+hcySc5F/4RN1nFAoGAQpEas26XQl7xktm+NGoiKjqK\niSDoDNuCvR+6uk4tn7ZhhB2zXMK9Oun4ZnrH0TvtqnFtmsZI11weLTKCyhrci2LD\nx2Bszld9LKen/w1/YATFyiQ02tnmVbtev28DFM+goa9WVcXV/0Lr1I383DZ/ZHsP\nUDcADa6ounqTY5p71e8=\n-----END PRIVATE KEY-----\n",
  "client_email": "firebase-adminsdk-test0@telegate-test.iam.gserviceaccount.com",
  "client_id": "100000000000000000001",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}
"""#

    static let email = "firebase-adminsdk-test0@telegate-test.iam.gserviceaccount.com"
    static let keyID = "3c1f0e7d9a2b4c6d8e0f1a2b3c4d5e6f7a8b9c0d"

    /// PyJWT's token for Telegram user 279058397 (`vdkfrost`, premium) at 1750000000 with a 600 s lifetime, uid
    /// template `tg:{telegram_id}`, tenant `shop-tenant-x1y2z` and claims telegram_id, tg_username, premium.
    static let knownAnswer =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6IjNjMWYwZTdkOWEyYjRjNmQ4ZTBmMWEyYjNjNGQ1ZTZmN2E4YjljMGQiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJmaXJlYmFzZS1hZG1pbnNkay10ZXN0MEB0ZWxlZ2F0ZS10ZXN0LmlhbS5nc2VydmljZWFjY291bnQuY29tIiwic3ViIjoiZmlyZWJhc2UtYWRtaW5zZGstdGVzdDBAdGVsZWdhdGUtdGVzdC5pYW0uZ3NlcnZpY2VhY2NvdW50LmNvbSIsImF1ZCI6Imh0dHBzOi8vaWRlbnRpdHl0b29sa2l0Lmdvb2dsZWFwaXMuY29tL2dvb2dsZS5pZGVudGl0eS5pZGVudGl0eXRvb2xraXQudjEuSWRlbnRpdHlUb29sa2l0IiwiaWF0IjoxNzUwMDAwMDAwLCJleHAiOjE3NTAwMDA2MDAsInVpZCI6InRnOjI3OTA1ODM5NyIsInRlbmFudF9pZCI6InNob3AtdGVuYW50LXgxeTJ6IiwiY2xhaW1zIjp7InRlbGVncmFtX2lkIjoyNzkwNTgzOTcsInRnX3VzZXJuYW1lIjoidmRrZnJvc3QiLCJwcmVtaXVtIjp0cnVlfX0.03oapcByQBZnNETNXz1GbYtONjfrTd_GTy8HTTo3hjEPsV4E3_oYoxN9uYnfkzaSJ3VU39daB4WoVIHI1_vbpTsiZp8PhHhXoheToAfymK-tYXdFA4xgyBEC-PR23K8UUdsBJVQJjJqZvlvgVlcmYYFXIDz4_pseotKwyMlXbpC0q0W-O3M0eA2WM4D1Ui97_pzl53aFBGyoqxR26qGJiWoeowcvmHCMY41Z_yX0ES2uS2bPzxTAD8IqThkvvmKLreDx6YTd7LnUVAgF-qlEXYRhFD8n6OO-KDJTo68kys1lswdcNiP8RKYcLiaMAV_l5lPTIQESy5XGLdV8rvcrHg"
}
