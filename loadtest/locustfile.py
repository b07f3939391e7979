"""Exam window: each simulated learner logs in, opens the timed quiz, starts it, saves one answer every few
seconds as the quiz page's autosave does, and submits when all are answered. The quiz is guarded (a leave limit
and an idle submit), so the page also sends its activity heartbeat every 30 s and reports leaving and coming
back: a few learners glance at another app for a few seconds (logged, not counted).

Run by `python -m loadtest` (which prepares the database and the server); environment:
LOADTEST_SETUP (JSON from `loadtest.exam prepare`: quiz id, password, learners), LOADTEST_SAVES (a JSON-lines
file that receives every save the server acknowledged, for the check afterwards) and LOADTEST_STARTS_AT (epoch
seconds: the exam starts for everyone at that moment, as at 14:00 sharp; learners log in as they arrive before
it and click "start" within the first LOADTEST_START_SPREAD seconds after it).
"""

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

SETUP = json.loads(open(os.environ["LOADTEST_SETUP"]).read()) if os.environ.get("LOADTEST_SETUP") else {}
_next_learner = itertools.count()
_submitted = itertools.count(1)
_saves = open(os.environ["LOADTEST_SAVES"], "a") if os.environ.get("LOADTEST_SAVES") else None  # noqa: SIM115

FIELDSET = re.compile(r'<fieldset class="card quiz-item" data-slot="(\d+)">(.*?)</fieldset>', re.S)
VERSION = re.compile(r'name="v(\d+)" value="(\d+)"')
RADIO = re.compile(r'type="radio" name="(q\d+)" value="([^"]*)"')
CHECKBOX = re.compile(r'type="checkbox" name="(q\d+)" value="([^"]*)"')
TEXT = re.compile(r'type="text" name="(q\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT_URL = re.compile(r"/assessments/attempts/(\d+)/")


@events.quitting.add_listener
def _close(environment, **kwargs):
    if _saves is not None:
        _saves.close()


def _answer_fields(slot: str, body: str, rng: random.Random) -> dict | None:
    radios = RADIO.findall(body)
    if radios:
        name, value = rng.choice(radios)
        return {name: value}
    boxes = CHECKBOX.findall(body)
    if boxes:
        picked = rng.sample(boxes, k=rng.randint(1, min(2, len(boxes))))
        return {f"q{slot}_present": "1", picked[0][0]: [value for _name, value in picked]}
    text = TEXT.search(body)
    if text:
        return {text.group(1): rng.choice(["95588", "９５５８８", "10086"])}
    return None


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _form(fields: dict) -> str:
    return urlencode(fields, doseq=True)


class Learner(FastHttpUser):
    """One learner in the exam room. Saves come every 2–4 s; a few answers are changed and saved again.

    FastHttpUser (geventhttpclient) rather than requests: locust shares the server's CPUs, and costs several
    times less per request this way. Redirects are followed by hand, as a browser's next request."""

    wait_time = between(2, 4)
    concurrency = 1
    # One connection per request, as nginx talks to gunicorn in production: a kept-alive connection that the server
    # closes after its idle time just as the next save is sent would fail that save, in the test only.
    default_headers = {"Connection": "close"}
    network_timeout = 120.0
    connection_timeout = 120.0

    def on_start(self):
        index = next(_next_learner)
        learners = SETUP["learners"]
        if index >= len(learners):
            raise StopUser()
        self.employee_no = learners[index]
        self.rng = random.Random(index)
        self._log_in()
        self.client.get(f"/assessments/quizzes/{SETUP['quiz_id']}/", name="quiz page")
        starts_at = float(os.environ.get("LOADTEST_STARTS_AT", "0"))
        spread = float(os.environ.get("LOADTEST_START_SPREAD", "20"))
        gevent.sleep(max(0.0, starts_at - time.time()) + self.rng.uniform(0, spread))
        self._start_attempt()

    def _csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def _log_in(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF_INPUT.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data=_form(
                {
                    "login": self.employee_no,
                    "password": SETUP["password"],
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                }
            ),
            headers={**FORM, "X-CSRFToken": self._csrf(), "Referer": self.host + "/accounts/login/"},
            name="log in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"login refused ({response.status_code})")
                raise StopUser()

    def _start_attempt(self):
        quiz = SETUP["quiz_id"]
        with self.client.post(
            f"/assessments/quizzes/{quiz}/start/",
            data="",
            headers={
                **FORM,
                "X-CSRFToken": self._csrf(),
                "Referer": self.host + f"/assessments/quizzes/{quiz}/",
            },
            name="start",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            match = ATTEMPT_URL.search(location)
            if response.status_code != 302 or not match:
                response.failure(f"no attempt after start ({response.status_code} {location})")
                raise StopUser()
        self.attempt = int(match.group(1))
        with self.client.get(
            f"/assessments/attempts/{self.attempt}/", name="attempt page", catch_response=True
        ) as (response):
            if response.status_code != 200:
                response.failure(f"attempt page answered {response.status_code}")
                raise StopUser()
        self.items = [(slot, body) for slot, body in FIELDSET.findall(response.text)]
        self.versions = {slot: int(v) for slot, v in VERSION.findall(response.text)}
        self.answers: dict[str, dict] = {}
        self.todo = [slot for slot, _body in self.items]
        self.changes = 3  # a few learners change their mind: the same slot saved again
        self.last_beat = time.time()
        self.away_since = None

    def _activity(self, kind: str, name: str):
        with self.client.post(
            f"/assessments/attempts/{self.attempt}/activity/",
            data=_form({"kind": kind, "visibility": "hidden" if kind == "hidden" else "visible"}),
            headers={**FORM, "X-CSRFToken": self._csrf(), "Accept": "application/json"},
            name=name,
            catch_response=True,
        ) as response:
            try:
                payload = response.json()
            except (ValueError, TypeError):  # no body: the request itself failed
                payload = {}
            if response.status_code != 200 or not payload.get("ok") or payload.get("closed"):
                response.failure(f"activity refused ({response.status_code} {payload})")

    def _heartbeat_and_visibility(self):
        """What heartbeat.js sends: a beat every 30 s while visible; "hidden" on leaving and a beat on return."""
        now = time.time()
        if self.away_since is not None:
            if now - self.away_since >= 3:
                self.away_since = None
                self.last_beat = now
                self._activity("beat", "heartbeat (back)")
            return True  # away: no answer is saved meanwhile
        if self.rng.random() < 0.03:
            self.away_since = now
            self._activity("hidden", "visibility (hidden)")
            return True
        if now - self.last_beat >= 30:
            self.last_beat = now
            self._activity("beat", "heartbeat")
        return False

    @task
    def answer_or_submit(self):
        if self._heartbeat_and_visibility():
            return
        if self.todo:
            slot = self.todo.pop(0)
            if self.changes and self.rng.random() < 0.1:
                self.changes -= 1
                self.todo.append(slot)
            self._save(slot)
        else:
            self._submit()
            if next(_submitted) >= len(SETUP["learners"]):
                # Everyone has handed in: end the run now rather than at the time limit.
                gevent.spawn_later(2, self.environment.runner.quit)
            raise StopUser()

    def _save(self, slot: str):
        body = dict(self.items)[slot]
        fields = _answer_fields(slot, body, self.rng)
        if fields is None:
            return
        data = {**fields, "slot": slot, "version": str(self.versions[slot]), "visibility": "visible"}
        with self.client.post(
            f"/assessments/attempts/{self.attempt}/answer/",
            data=_form(data),
            headers={**FORM, "X-CSRFToken": self._csrf(), "Accept": "application/json"},
            name="save answer",
            catch_response=True,
        ) as response:
            try:
                payload = response.json()
            except (ValueError, TypeError):  # no body: the request itself failed
                payload = {}
            if response.status_code != 200 or not payload.get("ok"):
                response.failure(f"answer not saved ({response.status_code} {payload.get('error', '')})")
                return
            self.versions[slot] = int(payload["version"])
            self.answers[slot] = fields
            if _saves is not None:
                record = {
                    "attempt": self.attempt,
                    "slot": int(slot),
                    "version": self.versions[slot],
                    "fields": fields,
                }
                _saves.write(json.dumps(record, ensure_ascii=False) + "\n")
                _saves.flush()

    def _submit(self):
        data = {"csrfmiddlewaretoken": self._csrf()}
        for slot, fields in self.answers.items():
            data.update(fields)
            data[f"v{slot}"] = str(self.versions[slot])
        with self.client.post(
            f"/assessments/attempts/{self.attempt}/submit/",
            data=_form(data),
            headers={**FORM, "X-CSRFToken": self._csrf()},
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "/result/" not in location:
                response.failure(f"submit did not lead to the result ({response.status_code} {location})")
                return
        self.client.get(f"/assessments/attempts/{self.attempt}/result/", name="result page")
