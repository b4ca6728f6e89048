"""The service-public.fr « Vos droits et démarches » sheets (DILA): import into the database and search."""
