"""A real browser: headless Chromium, at 1400 x 900, works in the admin as a shop operator would, then opens the
Swagger UI.

Needs Debian's chromium and chromium-driver (.ci/run installs them). Screenshots go to a folder of their own
for each run and database (screenshots/<database>-<time>/), printed by the test, so runs never overwrite
each other's.
"""

import csv
import io
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from customers.models import Customer
from tests.factories import CustomerFactory, OrderFactory, UserFactory

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = Path(os.environ.get("WCOMPAT_SCREENSHOTS", Path(__file__).resolve().parents[1] / "screenshots"))

if not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"):
    pytest.skip(
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

pytestmark = pytest.mark.slow


@pytest.fixture
def downloads(tmp_path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(tmp_path, downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(1400, 900)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots() -> Path:
    """This run's screenshot folder: the database and the time, never an earlier run's."""
    folder = SCREENSHOTS / f"{connection.vendor}-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(driver, folder: Path, name: str) -> None:
    driver.save_screenshot(str(folder / f"{name}.png"))


def submit(driver, name: str = "_save") -> None:
    driver.find_element(By.NAME, name).click()


@pytest.mark.django_db(transaction=True)
def test_the_admin_as_an_operator_uses_it(live_server, browser, downloads, shots, capsys):
    user = UserFactory(username="boss", admin=True)
    user.set_password("correct horse")
    user.save()
    jane = CustomerFactory(
        username="jane.roe",
        email="jane.roe.with.a.long.address@example-shop.example",
        first_name="Jane",
        last_name="Roe-Lindqvist",
        addresses={"billing": {"city": "Lisbon", "country": "PT"}},
    )
    OrderFactory(customer=jane, status="completed", total="42.00")
    for number in range(55):
        customer = CustomerFactory(first_name="Customer", last_name=f"Number {number}")
        OrderFactory(customer=customer, status="processing", total=f"{number}.50")
    wait = WebDriverWait(browser, 30)
    base = live_server.url

    browser.get(f"{base}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys("boss")
    browser.find_element(By.NAME, "password").send_keys("correct horse")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "user-tools")))

    # The list fits 1,400 pixels: no horizontal scrolling.
    browser.get(f"{base}/admin/customers/customer/")
    wait.until(expected_conditions.presence_of_element_located((By.ID, "result_list")))
    width, visible = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= visible, f"the page is {width}px wide in a {visible}px window"
    table, box = browser.execute_script(
        "const box = document.querySelector('#changelist .results');return [box.scrollWidth, box.clientWidth]"
    )
    assert table <= box, f"the list is {table}px wide in a {box}px box: it scrolls sideways"
    headers = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#result_list thead th")]
    assert [header for header in headers if header] == [
        "NAME",
        "USERNAME",
        "EMAIL",
        "LAST ACTIVE",
        "DATE REGISTERED",
        "ORDERS",
        "TOTAL SPEND",
        "AOV",
        "LAST ORDER",
        "COUNTRY",
        "CITY",
        "REGION",
        "POSTAL CODE",
    ]
    shoot(browser, shots, "1-customer-list")

    # A search.
    search = browser.find_element(By.ID, "searchbar")
    search.send_keys("jane.roe")
    search.submit()
    wait.until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".paginator"), "1 customer"))
    assert "$42.00" in browser.find_element(By.ID, "result_list").text
    shoot(browser, shots, "2-search")

    # Filters: a country from the drop-down, then a range of total spend.
    browser.get(f"{base}/admin/customers/customer/")
    country = wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".select-filter select")))
    Select(country).select_by_visible_text("Portugal (PT)")
    wait.until(expected_conditions.url_contains("country=PT"))
    assert [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#result_list .field-email_address")] == [
        jane.email
    ]
    browser.get(f"{base}/admin/customers/customer/")
    spend = browser.find_element(By.CSS_SELECTOR, "details[data-filter-title='total spend']")
    spend.find_element(By.TAG_NAME, "summary").click()
    spend.find_element(By.NAME, "stats__total_spent__gte").send_keys("50")
    spend.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(expected_conditions.url_contains("stats__total_spent__gte=50"))
    totals = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#result_list .field-total_spent")]
    assert totals == ["$54.50", "$53.50", "$52.50", "$51.50", "$50.50"]
    shoot(browser, shots, "2-filtered")

    # On a phone-sized screen the list shows who and what they spent, not only the id.
    browser.set_window_size(390, 844)
    browser.get(f"{base}/admin/customers/customer/")
    wait.until(expected_conditions.presence_of_element_located((By.ID, "result_list")))
    shown = [
        cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#result_list thead th") if cell.is_displayed()
    ]
    assert [header for header in shown if header] == ["NAME", "EMAIL", "TOTAL SPEND"]
    first_row = browser.find_element(By.CSS_SELECTOR, "#result_list tbody tr")
    assert first_row.find_element(By.CSS_SELECTOR, ".field-total_spent").is_displayed()
    shoot(browser, shots, "2-list-on-a-phone")
    browser.set_window_size(1400, 900)

    # An edit the rules refuse, then one they accept.
    browser.get(f"{base}/admin/customers/customer/{jane.pk}/change/")
    email = wait.until(expected_conditions.presence_of_element_located((By.NAME, "email")))
    assert browser.find_element(By.NAME, "first_name").tag_name == "input"
    email.clear()
    email.send_keys("jane@localhost")
    submit(browser)
    error = wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".errorlist")))
    assert "Invalid email address" in error.text
    shoot(browser, shots, "3-edit-refused")
    assert Customer.objects.get(pk=jane.pk).email == jane.email
    email = browser.find_element(By.NAME, "email")
    email.clear()
    email.send_keys(jane.email)
    city = browser.find_element(By.NAME, "billing_city")
    city.clear()
    city.send_keys("Porto")
    submit(browser)
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    assert Customer.objects.get(pk=jane.pk).addresses.get(type="billing").city == "Porto"
    shoot(browser, shots, "4-edit-saved")
    browser.get(f"{base}/admin/customers/customer/{jane.pk}/change/")
    shoot(browser, shots, "5-customer-page")
    billing = browser.find_element(By.NAME, "billing_city").location
    shipping = browser.find_element(By.NAME, "shipping_city").location
    assert billing["y"] == shipping["y"], (billing, shipping)  # side by side
    assert billing["x"] < shipping["x"]

    # The state follows the country: WooCommerce's list where it has one (Portugal has none: typed).
    assert browser.find_element(By.NAME, "billing_state").tag_name == "input"
    Select(browser.find_element(By.NAME, "billing_country")).select_by_value("US")
    wait.until(lambda page: page.find_element(By.NAME, "billing_state").tag_name == "select")
    Select(browser.find_element(By.NAME, "billing_state")).select_by_visible_text("California")
    shoot(browser, shots, "5-state-from-a-list")
    submit(browser)
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    address = Customer.objects.get(pk=jane.pk).addresses.get(type="billing")
    assert (address.country, address.state) == ("US", "CA")

    # An export, as a CSV file.
    browser.get(f"{base}/admin/customers/customer/export/")
    Select(wait.until(expected_conditions.presence_of_element_located((By.NAME, "format")))).select_by_visible_text(
        "csv"
    )
    shoot(browser, shots, "6-export")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    exported = _downloaded(downloads)
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 56
    assert {"id", "email", "billing_city", "orders_count", "total_spent"} <= set(rows[0])

    # A previewed import: the preview shows the change; nothing is written until it is confirmed.
    file = downloads.parent / "changes.csv"
    with file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "email", "username", "first_name"])
        writer.writerow([jane.pk, jane.email, jane.username, "Janet"])
    browser.get(f"{base}/admin/customers/customer/import/")
    wait.until(expected_conditions.presence_of_element_located((By.NAME, "import_file"))).send_keys(str(file))
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()  # CSV, the one import format
    preview = wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.import-preview")))
    assert "Janet" in preview.text
    assert Customer.objects.get(pk=jane.pk).first_name == "Jane"
    shoot(browser, shots, "7-import-preview")
    browser.find_element(By.NAME, "confirm").click()
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    assert Customer.objects.get(pk=jane.pk).first_name == "Janet"
    shoot(browser, shots, "8-import-done")

    # A new API key: its credentials once, in read-only fields, each with a Copy button.
    browser.get(f"{base}/admin/wcompat/apikey/add/")
    description = wait.until(expected_conditions.presence_of_element_located((By.NAME, "description")))
    description.send_keys("Warehouse sync")
    # The user field is an autocomplete: its chosen option, as picking "boss" from it leaves it.
    browser.execute_script(
        "document.querySelector('select[name=user]').add(new Option('boss', arguments[0], true, true));", str(user.pk)
    )
    submit(browser)
    key_field = wait.until(expected_conditions.presence_of_element_located((By.ID, "consumer_key")))
    assert key_field.get_attribute("readonly") is not None
    assert key_field.get_attribute("value").startswith("ck_")
    browser.find_element(By.CSS_SELECTOR, "button[data-copy=consumer_secret]").click()
    wait.until(
        expected_conditions.text_to_be_present_in_element(
            (By.CSS_SELECTOR, "button[data-copy=consumer_secret]"), "Copied"
        )
    )
    assert "Warehouse sync (…" in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    shoot(browser, shots, "8-api-key-created")

    browser.get(f"{base}/api/docs/")
    operations = wait.until(
        expected_conditions.presence_of_all_elements_located((By.CSS_SELECTOR, ".opblock .opblock-summary-path"))
    )
    paths = {operation.text.replace("\u200b", "") for operation in operations}
    assert {"/wp-json/wc/v1/customers", "/wp-json/wc/v1/customers/{id}", "/wp-json/wc/v1/customers/batch"} <= paths
    shoot(browser, shots, "9-swagger-ui")

    with capsys.disabled():
        print(f"\nScreenshots: {shots}")  # noqa: T201 (the test reports where they are)


def _downloaded(folder: Path, timeout: float = 30) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [path for path in folder.iterdir() if not path.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError("the export was not downloaded")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "rendered"), [("/api/redoc/", ".menu-content"), ("/api/docs/", ".opblock")])
def test_the_docs_render_with_nothing_from_outside_the_server(live_server, browser, shots, path, rendered):
    # Requests the page's Content-Security-Policy refuses are noted as they happen.
    watch = "window.refused = []; document.addEventListener('securitypolicyviolation', e => refused.push(e.blockedURI))"
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": watch})
    browser.get(f"{live_server.url}{path}")
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, rendered)))
    shoot(browser, shots, f"docs{path.replace('/', '-')}")
    requested = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    refused = set(browser.execute_script("return window.refused"))
    # Redoc's footer asks for its logo from a CDN: the policy refuses it before any request leaves.
    assert [url for url in requested if not url.startswith(live_server.url) and url not in refused] == []
    assert browser.find_elements(By.CSS_SELECTOR, rendered)
