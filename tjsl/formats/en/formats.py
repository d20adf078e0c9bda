# English pages keep the day-first order and the 24-hour "14.05 WIB" used across Indonesia.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i T"
# One date format everywhere: lists and tables show dates as every other page does.
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H.i T"
TIME_FORMAT = "H.i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
# Numbers are written the Indonesian way in both languages, as rupiah is everywhere
# (Rp4.750.000): a line never mixes conventions ("2,5 kg" beside "Rp4.750.000", not
# "2.5 kg"). Input is unaffected: with USE_THOUSAND_SEPARATOR off, a typed "2.5" and
# "2,5" are both two and a half, in either language.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
