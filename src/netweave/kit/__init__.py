"""Small web helpers every app may use, on the ground floor of the apps: counters in Django's
cache that many processes bump at once (:mod:`.counters`), the client's address behind the
proxies (:mod:`.net`) and the apps' plug-in modules (:mod:`.apps`). No models, no app
imports."""
