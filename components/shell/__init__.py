"""Around every page: login and logout, who is looking (access), the menu (navigation) and the sidebar's
notifications; `streamlit_internals` holds the few touches of Streamlit internals."""
