"""The API's documentation page works on a machine without internet: every file comes from the portal."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_page_loads_with_the_network_cut_off(page, live_server):
    outside = []

    def only_the_portal(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_portal)
    page.goto("/api/v1/docs/")
    page.get_by_text("/api/v1/months/{month}/kpis", exact=True).first.wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Service portal integration API")
    assert outside == []
