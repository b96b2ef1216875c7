"""corpus600m: the data pipeline behind Somos NLP's #Somos600M Spanish instruction corpus."""

__version__ = "0.1.0"
