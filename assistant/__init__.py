"""guichet: the library behind the France Services assistant (no Rasa import here)."""
