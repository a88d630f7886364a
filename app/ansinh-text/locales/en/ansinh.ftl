# The kiosk's and the ansinh command's wording in English, translated from locales/vi.
# Same ids and { $arguments } as the Vietnamese; counts take CLDR's English forms [one] and
# *[other].

## The language itself

language-name = English
decimal-separator = .

## Counts, durations and ages

duration-months = { $months ->
    [one] { $months } month
   *[other] { $months } months
}
duration-years = { $years ->
    [one] { $years } year
   *[other] { $years } years
}
duration-years-months = { $years ->
    [one] { $years } year
   *[other] { $years } years
} { $months ->
    [one] { $months } month
   *[other] { $months } months
}
ago-days = { $days ->
    [one] { $days } day ago
   *[other] { $days } days ago
}
ago-hours-minutes = { $hours } h { $minutes } min ago

## Sources of a result

status-verified = verified
status-secondary = secondary source
status-unverified = UNVERIFIED
source-line = { $label } — { $source } ({ $status })
scheme-other = Other scheme

## Payment modes: one wording for the screens, the command and the printed shift report

mode-monthly = Monthly
mode-every-months = { $months ->
    [one] Every month
   *[other] Every { $months } months
}
mode-advance-years = { $years ->
    [one] { $years } year in advance
   *[other] { $years } years in advance
}
mode-backpay-months = { $months ->
    [one] Back-pay of { $months } month
   *[other] Back-pay of { $months } months
}
mode-household-months = { $months ->
    [one] BHYT { $months } month
   *[other] BHYT { $months } months
}
