"""The header that tells the app's service worker (templates/sw.js) what it may keep of a page:
"member" (a page of the member's own, kept for when the phone is offline) or "visitor"
(nobody is signed in on this browser, so what a member kept goes)."""

OFFLINE_HEADER = "X-Kinship-Offline"
