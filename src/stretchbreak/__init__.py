"""stretchbreak: guided neck, upper-back and thoracic stretch breaks for people at a desk."""

__version__ = "0.1.0"
