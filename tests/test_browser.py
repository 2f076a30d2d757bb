"""A real browser: headless Chromium logs into the admin, opens the customers and Swagger UI.

Needs Debian's chromium and chromium-driver (.ci/run installs them). Screenshots are saved to a folder
the test prints.
"""

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import CustomerFactory, OrderFactory, UserFactory

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = Path(os.environ.get("WCOMPAT_SCREENSHOTS", Path(__file__).resolve().parents[1] / "screenshots"))

if not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"):
    pytest.skip(
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )


@pytest.fixture
def browser(tmp_path):
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
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def shoot(driver, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.django_db(transaction=True)
def test_admin_and_swagger_ui_in_chromium(live_server, browser, capsys):
    user = UserFactory(username="boss", admin=True)
    user.set_password("correct horse")
    user.save()
    customer = CustomerFactory(
        username="jane.roe", email="jane.roe@example.com", first_name="Jane", addresses={"billing": {"city": "Lisbon"}}
    )
    OrderFactory(customer=customer, status="completed", total="42.00")
    wait = WebDriverWait(browser, 30)

    browser.get(f"{live_server.url}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys("boss")
    browser.find_element(By.NAME, "password").send_keys("correct horse")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "user-tools")))

    browser.get(f"{live_server.url}/admin/customers/customer/")
    wait.until(expected_conditions.presence_of_element_located((By.ID, "result_list")))
    listing = browser.find_element(By.ID, "result_list").text
    assert "jane.roe@example.com" in listing
    assert "42.00" in listing
    shoot(browser, "admin-customers")

    browser.get(f"{live_server.url}/admin/customers/customer/{customer.pk}/change/")
    wait.until(expected_conditions.presence_of_element_located((By.ID, "customer_form")))
    assert "Lisbon" in browser.page_source
    assert customer.orders.get().order_key in browser.page_source
    shoot(browser, "admin-customer")

    browser.get(f"{live_server.url}/api/docs/")
    operations = wait.until(
        expected_conditions.presence_of_all_elements_located((By.CSS_SELECTOR, ".opblock .opblock-summary-path"))
    )
    paths = {operation.text.replace("\u200b", "") for operation in operations}
    assert {"/wp-json/wc/v1/customers", "/wp-json/wc/v1/customers/{id}", "/wp-json/wc/v1/customers/batch"} <= paths
    shoot(browser, "swagger-ui")

    with capsys.disabled():
        print(f"\nScreenshots: {SCREENSHOTS}")  # noqa: T201 (the test reports where they are)
