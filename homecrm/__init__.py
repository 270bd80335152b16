"""homecrm: self-hosted rental-management CRM for small landlords.

The package is the product's core. It imports no Streamlit, except in ``homecrm.ui``.
"""

__version__ = "0.1.0"
