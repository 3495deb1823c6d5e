"""The Streamlit side of the app: shell (login, menu), ui (the one of each), charts, data (the only door to the
database and caches), and the widgets of each page under seller/ and admin/."""
