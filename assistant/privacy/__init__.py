"""Personal data protection (GDPR): what users write is stored with identifying numbers masked, and old
conversations and closed tickets are purged (`guichet purge`).

`redaction` and `retention` import no Rasa; `tracker_store` is the Rasa tracker store that applies the
redaction, loaded by the Rasa server from endpoints.yml.
"""
