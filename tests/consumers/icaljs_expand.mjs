// Expands every event of an iCalendar file with ical.js (Mozilla's parser, the one inside
// Thunderbird), the way a calendar app does: each VTIMEZONE of the file registered, each
// series iterated with its exceptions (RECURRENCE-ID) related to it, up to a date.
// Prints one JSON line, [{uid, start (UTC, ISO), status, summary, description}], for
// tests/groups/test_calendar_readers.py.
// Usage: node icaljs_expand.mjs FILE UNTIL_ISO
import fs from "node:fs";
import ICAL from "ical.js";

const [file, untilIso] = process.argv.slice(2);
const until = new Date(untilIso);
const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const masters = new Map();
const exceptions = [];
for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  if (event.isRecurrenceException()) exceptions.push(event);
  else masters.set(event.uid, event);
}
const found = [];
for (const exception of exceptions) {
  const master = masters.get(exception.uid);
  if (master) master.relateException(exception);
  else found.push(occurrence(exception, exception.startDate, exception.component));
}
for (const [uid, event] of masters) {
  if (!event.isRecurring()) {
    found.push(occurrence(event, event.startDate, event.component));
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(); next && next.toJSDate() < until; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    found.push(occurrence(details.item, details.startDate, details.item.component));
  }
}
function occurrence(event, start, component) {
  return {
    uid: event.uid,
    start: start.toJSDate().toISOString(),
    status: component.getFirstPropertyValue("status") || "",
    summary: component.getFirstPropertyValue("summary") || "",
    description: component.getFirstPropertyValue("description") || "",
  };
}
console.log(JSON.stringify(found));
