"""The site: page models from the validated dataset, and the Pelican plugins that render them."""
