"""Money, taxes, numbering, rent documents, payments and amounts in words."""

from homecrm.billing.words import amount_in_words

__all__ = ["amount_in_words"]
