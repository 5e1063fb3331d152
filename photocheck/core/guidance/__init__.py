"""Guidance a person can act on, without Qt: what each sharing channel passes on
(channels.py), what one can do and which rights one has (rights.py), and letters ready
to send (letters.py); page.py renders a page as HTML or plain text."""
