"""The widgets of each seller page, one module per page of `pages/seller/`."""
