"""Distribution: the static site and email to subscribers (the only code that touches SMTP or the site folder)."""
