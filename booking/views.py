from django.shortcuts import render


def request_consultation(request):
    return render(request, "booking/request_form.html")
