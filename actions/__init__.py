"""Thin rasa_sdk adapters: read the tracker, call `assistant`, send French replies with a contract payload."""
