"""Small web helpers every app may use, on the ground floor of the apps (below ``networks``):
counters in Django's cache that many processes bump at once (:mod:`.counters`) and the
client's address behind the proxies (:mod:`.net`). No models, no app imports."""
