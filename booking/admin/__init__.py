"""Staff review in the admin: the request pipeline and page (requests, with its own forms in
views), list filters, the medication catalog and email deliveries."""

from booking.admin import catalog, packets, requests  # noqa: F401 - registers the ModelAdmins
