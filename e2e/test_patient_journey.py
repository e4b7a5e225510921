"""A patient's whole way through the site, from an article to a submitted treatment history."""

import re
import time

from playwright.sync_api import expect

from e2e.browsing import (
    STAFF_EMAIL,
    answer_phq9,
    choose,
    expect_step,
    fill_consultation_form,
    link_in,
    reference_on,
    request_consultation,
    save_and_continue,
    send_consultation_form,
    wait_out_the_robot_check,
)

ARTICLE = "TMS: how it works, who it is for, and what to expect"


def test_patient_reads_requests_and_shares_their_history_across_two_visits(new_page, inbox):
    page = new_page()

    # Home page, then an article from the Learn page.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("When antidepressants have not been enough")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn about depression treatment")
    page.get_by_role("link", name=ARTICLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE)
    # Shipped articles stay "review pending" until a clinician approves them in the admin.
    expect(page.get_by_text("Clinical review pending.")).to_be_visible()

    # The article's call to action opens the form, which remembers the article.
    page.get_by_role("region", name="Talk with us about your options").get_by_role(
        "link", name="Request a free consultation"
    ).click()
    expect(page).to_have_url(re.compile(r"/consultation/\?article=tms-therapy$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a free consultation")
    opened = time.monotonic()
    fill_consultation_form(page, first_name="Dana", email="dana@patients.example")
    wait_out_the_robot_check(opened)
    reference = send_consultation_form(page)
    expect(page.get_by_role("link", name="Start my treatment history now")).to_be_visible()

    # The worker sends the confirmation (with the private link) and tells the staff.
    confirmation = inbox.wait_for_email(to="dana@patients.example", subject=f"We received your request ({reference})")
    inbox.wait_for_email(to=STAFF_EMAIL, subject=f"New consultation request {reference}")
    intake_link = link_in(confirmation, "/consultation/intake/")
    assert intake_link.startswith(page.url.split("/consultation/")[0])

    # Rather than wait for a call, the patient picks a consultation time.
    page.get_by_role("link", name="Choose a time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a time for your free consultation")
    times = page.get_by_role("group", name=re.compile(r"^Open times on "))
    first_time = times.get_by_role("radio").first
    chosen = times.locator("label").first.inner_text()
    first_time.check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your consultation is booked")
    invite_email = inbox.wait_for_email(to="dana@patients.example", subject="Your consultation is booked")
    assert chosen.split()[0] in str(invite_email["Subject"])
    invites = [part for part in invite_email.walk() if part.get_content_type() == "text/calendar"]
    assert len(invites) == 1
    invite = invites[0].get_content()
    assert "BEGIN:VEVENT" in invite and "TMS" not in invite and "SPRAVATO" not in invite

    # First visit: the link from the email, steps 1 to 3.
    page.goto(intake_link)
    expect_step(page, 1, "Your depression now")
    assert reference_on(page) == reference
    expect(page).not_to_have_url(re.compile(re.escape(intake_link)))  # the token leaves the address bar
    choose(page, "What has a doctor or therapist told you", "Major depression (major depressive disorder)")
    choose(page, "How long has this period of depression lasted", "More than 2 years")
    page.get_by_label("Who prescribes your medicines now?").fill("Dr. Rivera, Springfield Family Practice")
    save_and_continue(page)

    expect_step(page, 2, "Antidepressants you have tried")
    first = page.get_by_role("group", name="Medicine 1")
    # The dose question names the unit of the medicine typed: thyroid hormone is dosed in mcg.
    first.get_by_role("combobox", name="Medicine").fill("Cytomel")
    expect(first.get_by_label("Highest dose per day, in mcg")).to_be_visible()
    first.get_by_role("combobox", name="Medicine").fill("Sertraline")
    first.get_by_label("Highest dose per day, in mg").fill("150")
    first.get_by_label("About how many weeks at that dose?").fill("8")
    choose(first, "Was this during your current period of depression?", "Yes")
    first.get_by_label("Roughly when?").fill("2021")
    choose(first, "How much did it help?", "A little")
    first.get_by_label("Why did you stop?").select_option(label="It did not help")
    first.get_by_label("Side effects, if any").fill("Nausea for the first weeks")
    page.get_by_role("button", name="Add another medicine").click()

    second = page.get_by_role("group", name="Medicine 2")
    expect(second).to_be_visible()
    expect(page.get_by_role("group", name="Medicine 1").get_by_role("combobox", name="Medicine")).to_have_value(
        "Sertraline"
    )
    second.get_by_role("combobox", name="Medicine").fill("Bupropion XL")
    second.get_by_label("Highest dose per day, in mg").fill("300")
    second.get_by_label("About how many weeks at that dose?").fill("10")
    choose(second, "How much did it help?", "Not at all")
    second.get_by_label("Why did you stop?").select_option(label="Side effects")
    save_and_continue(page)

    expect_step(page, 3, "Other treatments")
    choose(page, "Have you had talk therapy", "Yes")
    page.get_by_label("What kind, if you know?").fill("CBT")
    page.get_by_label("For how long in total?").select_option(label="More than 6 months")
    choose(page, "Have you had ECT", "No")
    choose(page, "Have you had TMS before?", "No")
    choose(page, "Have you had ketamine or esketamine", "No")
    save_and_continue(page)
    expect_step(page, 4, "How you have been feeling")

    # The patient closes the browser half way, and comes back later by the same link. A browser
    # that did not send the request asks for the date of birth first.
    page.context.close()
    page = new_page()
    page.goto(intake_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Your date of birth").fill("1980-05-17")
    page.get_by_role("button", name="Continue").click()
    expect_step(page, 4, "How you have been feeling")
    progress = page.get_by_role("navigation", name="Progress")
    progress.get_by_role("link", name="Antidepressants you have tried").click()
    expect_step(page, 2, "Antidepressants you have tried")
    for number, medicine, dose in [(1, "Sertraline", "150"), (2, "Bupropion XL", "300")]:
        trial = page.get_by_role("group", name=f"Medicine {number}")
        expect(trial.get_by_role("combobox", name="Medicine")).to_have_value(medicine)
        # The stored decimal comes back as, for example, "150.000".
        expect(trial.get_by_label("Highest dose per day, in mg")).to_have_value(re.compile(rf"^{dose}(\.0*)?$"))
    page.get_by_role("navigation", name="Progress").get_by_role("link", name="How you have been feeling").click()

    # PHQ-9 (total 12, item 9 "Not at all": no crisis message), safety, review.
    expect_step(page, 4, "How you have been feeling")
    answer_phq9(page, [2, 2, 1, 2, 1, 1, 2, 1, 0])
    expect(page.get_by_text("You do not have to wait for us to get help")).to_be_hidden()
    save_and_continue(page)

    expect_step(page, 5, "Safety questions")
    choose(page, "Do you have any metal in or near your head?", "No")
    choose(page, "Do you have an implanted device?", "No")
    choose(page, "Have you ever had a seizure", "No")
    choose(page, "Have you been told you have an aneurysm", "No")
    choose(page, "Could someone drive you home", "Yes")
    save_and_continue(page)

    expect_step(page, 6, "Review and send")
    main = page.get_by_role("main")
    for answer in [
        "Major depression (major depressive disorder)",
        "Dr. Rivera, Springfield Family Practice",
        "Sertraline",
        "150 mg a day, 8 weeks",
        "Bupropion XL",
        "300 mg a day, 10 weeks",
        "More than 6 months",
        "More than half the days",
    ]:
        expect(main).to_contain_text(answer)
    page.get_by_label("My answers are accurate").check()
    page.get_by_role("button", name="Send my treatment history").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your treatment history")
    assert reference_on(page) == reference
    inbox.wait_for_email(to="dana@patients.example", subject=f"We have your treatment history ({reference})")
    inbox.wait_for_email(to=STAFF_EMAIL, subject=f"Treatment history received for {reference}")

    # The link now leads to the thank-you page: nothing can be sent twice.
    page.goto(intake_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your treatment history")


def test_thoughts_of_self_harm_bring_crisis_help_at_once(new_page, inbox):
    page = new_page()
    reference, intake_link = request_consultation(page, inbox, first_name="Sam", email="sam@patients.example")
    page.goto(intake_link)
    for _ in range(3):  # steps 1 to 3 may be left blank
        save_and_continue(page)
    expect_step(page, 4, "How you have been feeling")

    help_now = page.get_by_role("alert").filter(has_text="You do not have to wait for us to get help")
    expect(help_now).to_be_hidden()
    answer_phq9(page, [3, 3, 2, 3, 2, 3, 2, 1])
    choose(page, re.compile(r"^9\. Thoughts that you would be better off dead"), "Several days")

    # Shown the moment the answer is chosen, before anything is saved.
    expect(help_now).to_be_visible()
    expect(help_now.get_by_role("link", name="988").first).to_have_attribute("href", "tel:988")
    expect(help_now.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")

    # Choosing "Not at all" again hides it; choosing above 0 shows it again.
    choose(page, re.compile(r"^9\. "), "Not at all")
    expect(help_now).to_be_hidden()
    choose(page, re.compile(r"^9\. "), "Nearly every day")
    expect(help_now).to_be_visible()

    save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Help is available right now")
    crisis = page.get_by_role("main").get_by_role("alert")
    expect(crisis.get_by_role("link", name="988", exact=True)).to_have_attribute("href", "tel:988")
    expect(crisis.get_by_role("link", name="text 988")).to_have_attribute("href", "sms:988")
    expect(crisis.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")

    # The staff are alerted straight away, and the patient can go on with the form.
    inbox.wait_for_email(to=STAFF_EMAIL, subject=f"Same-day follow-up needed: {reference}")
    page.get_by_role("link", name="Continue with the form").click()
    expect_step(page, 5, "Safety questions")


def test_item9_alone_on_an_unfinished_page_still_brings_help_and_the_follow_up_questions(new_page, inbox):
    # A small phone, 320 px wide: the help must fit without sideways scrolling.
    page = new_page(viewport={"width": 320, "height": 640})
    reference, intake_link = request_consultation(page, inbox, first_name="Robin", email="robin@patients.example")
    page.goto(intake_link)
    for _ in range(3):
        save_and_continue(page)
    expect_step(page, 4, "How you have been feeling")
    expect(page.get_by_text("Skip anything you are not sure about")).to_have_count(0)

    # Only question 9 answered; the other eight left blank.
    choose(page, re.compile(r"^9\. Thoughts that you would be better off dead"), "Several days")
    save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Help is available right now")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    inbox.wait_for_email(to=STAFF_EMAIL, subject=f"Same-day follow-up needed: {reference}")

    # The short follow-up, then "right now" only after a yes.
    choose(page, re.compile(r"^1\. In the past few weeks, have you wished you were dead"), "Yes")
    for number in (2, 3, 4):
        choose(page, re.compile(rf"^{number}\. "), "No")
    page.get_by_role("button", name="Send my answers").click()
    choose(page, re.compile(r"^5\. Are you having thoughts of killing yourself right now"), "Yes")
    page.get_by_role("button", name="Send my answers").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get help now")
    now = page.get_by_role("main").get_by_role("alert")
    expect(now.get_by_role("link", name="911").first).to_have_attribute("href", "tel:911")
    expect(now.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")

    # The unfinished page waits for the patient, with what they answered.
    page.get_by_role("link", name="Continue with the form").click()
    expect_step(page, 4, "How you have been feeling")
    item9 = page.get_by_role("group", name=re.compile(r"^9\. "))
    expect(item9.get_by_role("radio", name="Several days")).to_be_checked()
