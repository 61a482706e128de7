"""Every write of tumour boards: atomic, audited, with the actor.

* ``cases`` — submitting a case with its minimal dataset, refreshing it, withdrawing it;
* ``attachments`` — checked uploads stored outside the web root;
* ``sessions`` — planning sessions, agendas, attendance, opening and closing (carry-over);
* ``decisions`` — validation by the chair, corrections as new versions;
* ``documents`` — the RCP record and the PPS as PDF, the GP outbox;
* ``referrals`` — referral of poor-prognosis cancers to an expert centre.
"""
