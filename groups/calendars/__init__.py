"""Calendars: RFC 5545 files for one meeting, a group and a member (ics), and the member's
personal feed address (feeds)."""
