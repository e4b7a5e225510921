"""Staff review in the admin: the request pipeline and page (requests, with its own forms in
views), list filters, the medication catalog, email deliveries and text consents."""

from booking.admin import catalog, packets, requests, texts  # noqa: F401 - registers the ModelAdmins
