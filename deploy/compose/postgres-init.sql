-- Run once by the postgres image when its volume is empty: Rasa's tracker store has its own database.
CREATE DATABASE guichet_tracker OWNER guichet;
