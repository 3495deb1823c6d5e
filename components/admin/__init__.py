"""The widgets of each admin page, one module per page of `pages/admin/`."""
