from django.urls import reverse

from education.sitemaps import SiteUrlSitemap


class ClinicPagesSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return [
            "home",
            "clinicsite:team",
            "clinicsite:locations",
            "clinicsite:insurance",
            "clinicsite:faq",
            "clinicsite:contact",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"clinic": ClinicPagesSitemap}
