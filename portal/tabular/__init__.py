"""Import files in and export files out, with no database and no disk.

`reading`: an uploaded CSV or XLSX file to rows of text with the file's own line numbers. `fields`: one cell's
text to a value (decimals, whole numbers, dates, choices, free text, employee numbers). `export`: rows to CSV
or XLSX bytes for Excel. `errors`: what each of them reports.
"""
