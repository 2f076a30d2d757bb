"""The customer domain, served as WooCommerce's wc/v1, wc/v2 and wc/v3 customers endpoints.

Where it answers differently from current WooCommerce, on purpose, and why: docs/compatibility.md.
"""
