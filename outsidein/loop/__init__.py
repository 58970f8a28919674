"""Close the loop: business calendars, SLAs, alert rules and notification formats.

The modules here import nothing from Django, so they can be tested and benchmarked alone;
the Django app builds models, pages and jobs on top of them. Import the submodules
directly (``from outsidein.loop.calendar import BusinessCalendar``): this package file
stays light on purpose so importing one part does not load the others.
"""
