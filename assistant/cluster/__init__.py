"""Several Rasa servers and action servers behind nginx on loopback: Rasa's own way to scale out.

Rasa replicas share a SQL tracker store (PostgreSQL) and a Redis lock store, so any replica can take any
turn of a conversation and the turns of one conversation are processed one at a time, in order. Action
servers are stateless. nginx is the only public entry: it passes the REST channel to the Rasa replicas and
everything else to the web app, and balances the action servers and Rasa's token-protected API on
private loopback ports.
"""
