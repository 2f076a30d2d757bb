"""WooCommerce's system status for connectors: `/wc/v2|v3/system_status` and `/system_status/tools`.

Tools that sync a store check their connection with `GET /wp-json/wc/v3/system_status` or
`GET /wp-json/wc/v3/system_status/tools`: both answer as WooCommerce's controllers do (their shape, their
permission, their errors), with what is true of this server. Keys that name something it does not have (PHP,
plugins, a theme, shop pages) are there with the empty value of their type. The tools are this server's own
maintenance operations, each run for real.
"""
