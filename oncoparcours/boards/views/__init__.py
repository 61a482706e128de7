"""Thin views of tumour boards: boards and statistics, live sessions, cases, referrals."""
