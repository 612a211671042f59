// Reads an iCalendar file with Mozilla's ical.js (the parser of Thunderbird) and prints,
// as JSON, what it understands: the calendar's METHOD and, for each VEVENT, its UID,
// SEQUENCE, STATUS, start and end as UTC instants and the length it reports.
// Usage: node read.mjs FILE.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
// The zones the file defines, as a client reading the file uses them.
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const instant = (time) => time.toJSDate().toISOString();
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    dtstamp: instant(component.getFirstPropertyValue("dtstamp")),
    start: instant(event.startDate),
    end: instant(event.endDate),
    start_zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    minutes: event.duration.toSeconds() / 60,
  };
});
process.stdout.write(JSON.stringify({ method: calendar.getFirstPropertyValue("method"), events }));
