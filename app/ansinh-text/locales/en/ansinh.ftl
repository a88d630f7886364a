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
count-months = { $months ->
    [one] { $months } month
   *[other] { $months } months
}

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

## Kiosk: quote screen

quote-poor-household = Poor household
quote-near-poor-household = Near-poor household
quote-ethnic-minority = Ethnic minority
quote-island-commune = Island commune
quote-everyone-else = Everyone else
quote-no-province = None (no provincial top-up)
quote-contribution = Contribution
quote-national-support = National support
quote-provincial-support = Provincial support
quote-you-pay-monthly = You pay a month
quote-payment-contribution = Contribution ({ $months ->
    [one] { $months } month
   *[other] { $months } months
})
quote-support-note = Supported for { $months ->
    [one] { $months } month
   *[other] { $months } months
} of this payment; { $left ->
    [one] { $left } supported month
   *[other] { $left } supported months
} left (120 at most).
quote-advance-discounted = Paying years ahead is discounted at the fund's return.

## Kiosk: pension screen

pension-stop-paying = Stop paying
pension-choose-sex = Choose male or female to see the result.
pension-retirement-age-reached = Retirement age reached
pension-years-paid-at-retirement = Years paid at retirement
pension-accrual-rate = Accrual rate
pension-average-income = Average income
pension-from = Pension from
pension-monthly-pension = Monthly pension
pension-short-by = Short of a pension by
pension-no-backpay = More than 5 years short: the missing years cannot be paid at once; keep paying monthly.
pension-already-eligible = Already eligible since { $from }: bring your papers to the social insurance office to claim the pension.
pension-social-pension = Social pension: { $amount } a month from { $from } (age { $age }), for people without a pension.
pension-one-time = A one-time withdrawal at retirement would be about { $amount } (no pension, no health card).
pension-backpay = Pay the missing { $missing } at once (in { $paid_in }): about { $cost }; then a pension of { $pension } a month from { $from }.
pension-pay-on = Or keep paying { $duration } after retirement age (complete in { $complete }): a pension of { $pension } a month from { $from }.
pension-monthly-allowance = Or a monthly allowance of { $amount } for { $months ->
    [one] { $months } month
   *[other] { $months } months
}, until the social pension starts.
pension-chart-even = Contributions (22% of income, state support included) come to about { $paid }. After about { $even } of pension, you have received as much as was paid.
pension-chart-not-eligible = Contributions (22% of income) come to about { $paid }; not yet enough for a pension.

## Kiosk: comparison screen

scenarios-two-incomes = Two incomes
scenarios-15-or-20-years = 15 against 20 years
scenarios-option = Option
scenarios-paid-to-retirement = Paid until retirement age
scenarios-first-month = You pay the first month
scenarios-total = You pay in total
scenarios-months-raised = Months raised to the floor
scenarios-retire = Retire
scenarios-paid-back-after = Paid back after
scenarios-pension = Pension
scenarios-under-15-years = Under 15 years
scenarios-better-per-dong = For each đồng paid, option { $option } gives the higher pension.
scenarios-same-per-dong = Both give the same pension for each đồng paid.

## Kiosk: household health insurance screen

household-member = Member { $order }
household-note = The first member pays { $rate } of the reference level ({ $reference }) a month; later members pay less.

## Kiosk: other benefits screen

benefits-maternity-allowance = Maternity allowance
benefits-per-child = Per child
benefits-funeral-allowance = Funeral allowance
benefits-once = Once
benefits-social-pension = Social pension
benefits-a-month = A month
benefits-children = { $children ->
    [one] { $children } child
   *[other] { $children } children
}
benefits-maternity-note = For a mother (or father) who paid voluntary SI for { $paid } of the { $window } months before the birth.
benefits-funeral-note = Paid to whoever arranges the funeral of a participant with { $months ->
    [one] { $months } month
   *[other] { $months } months
} paid, or a pensioner.
benefits-social-pension-note = For people aged { $age } or more without a pension ({ $age_poor } in poor or near-poor households).

## Kiosk: enrollment wizard

enroll-duplicate-what-to-do = Taking money again for the same months may be a double payment. Staff confirm only if the person really wants to pay again.
enroll-duplicate-title = Possible double payment
enroll-duplicate-confirm = Staff: confirm and save
enroll-duplicate-cancel = Do not save, go back
enroll-tap-to-choose = Tap to choose
enroll-date-placeholder = e.g. 15/03/1979
enroll-may-be-left-empty = May be left empty
enroll-tap-to-type = Tap to type
enroll-title = Enroll
enroll-title-voluntary = Voluntary social insurance (form TK1-TS)
enroll-title-household = Household health insurance
enroll-submit = Submit
enroll-next = Next
enroll-member-done = Done with this member
enroll-members-help = One line for each member joining. From the second member on, each pays less.
enroll-consent-help = Read this, or ask the staff to read it to you.
enroll-consent-guardian-help = Under 16, a parent or guardian consents.
enroll-review-help = Check everything. Press Edit to change.
enroll-consent = Consent
enroll-yes = Yes
enroll-not-yet = Not yet
enroll-not-saved-banner = The record was not saved. Take no money.
enroll-help-name = Type the full name with its accents, as on the ID card.
enroll-help-papers = The personal ID is the 12 digits on the ID card.
enroll-help-address = Where the social insurance book is sent.
enroll-help-birth-registration = As in the birth certificate (old names are fine).
enroll-help-payment = A higher income means a higher pension.
enroll-help-head = The head of the household.
enroll-help-household-address = Where the household lives.
enroll-help-start = The health cards are valid from this month.
enroll-male = Male
enroll-female = Female
enroll-step-name = Name
enroll-step-papers = Papers
enroll-step-address = Address
enroll-step-birth-registration = Birth registration
enroll-step-payment = Payment
enroll-step-consent = Consent
enroll-step-review = Review
enroll-step-head = Head
enroll-step-members = Members
enroll-step-start = Start
enroll-member-no-name = { $number }. (no name yet)
enroll-member-to-fix = { $count ->
    [one] { $count } thing to fix
   *[other] { $count } things to fix
}
enroll-duplicate-this-person = This person
enroll-duplicate-earlier = { $who } already has receipt { $receipt } for { $period } ({ $scheme }; taken { $paid }, { $amount }).
enroll-member-help = Member { $number }: as on the ID card or birth certificate.
enroll-banner-to-fix = { $count ->
    [one] { $count } thing to fix (in red).
   *[other] { $count } things to fix (in red).
}
enroll-not-saved-busy = The record could not be saved yet (device busy). Take no money. Press Submit to try again.
enroll-not-saved = The record could not be saved: { $reason }. Take no money. Call the staff.

## Kiosk: enrollment form fields

field-parent-or-guardians-name = Parent or guardian's name
field-full-name-as-on = Full name (as on the ID card)
field-sex = Sex
field-date-of-birth-day = Date of birth (day/month/year, or the year)
field-guardians-id-number = Guardian's ID number
field-personal-id-12-digits = Personal ID (12 digits on the ID card)
field-old-social-insurance-code = Old social insurance code (if any)
field-ethnic-group = Ethnic group
field-province = Province
field-commune-or-ward = Commune or ward
field-house-street-hamlet = House, street, hamlet
field-phone-if-any = Phone (if any)
field-province-of-birth-registration = Province of birth registration
field-district-old-name-if = District (old name, if any)
field-commune-of-birth-registration = Commune of birth registration
field-chosen-monthly-income = Chosen monthly income
field-how-often = How often
field-support-group = Support group
field-poor-near-poor-certificate = Poor / near-poor certificate number
field-first-month = First month
field-relationship = Relationship
field-relationship-to-the-head = Relationship to the head
field-months = Months
field-health-care-facility-code = Health-care facility code (5 digits)
field-field = Field

## Kiosk: relationships

relationship-head = Head
relationship-spouse = Spouse
relationship-child = Child
relationship-parent = Parent
relationship-grandparent = Grandparent
relationship-grandchild = Grandchild
relationship-sibling = Sibling
relationship-parent-in-law = Parent-in-law
relationship-child-in-law = Child-in-law
relationship-guardian = Guardian
relationship-other = Other

## Kiosk: consent (the version is kept in the record with the text shown)

consent-version = DY-EN-2026-1
consent-text = What you entered (name, date of birth, ID number, address, phone) is used only to enroll you and is sent to the Social Insurance office. This device keeps it encrypted until it is sent. Nobody else may see it. Ask the staff to see or correct it.

## Kiosk: done screen

done-scheme-voluntary = Voluntary social insurance
done-scheme-household = Household health insurance

## Kiosk: receipt printing

printing-printed = Receipt printed.
printing-printed-paper-low = Receipt printed. The paper roll is nearly finished.
printing-no-printer = Receipt { $receipt }: no printer configured on this device (printer in the configuration file).
printing-original = Printing receipt { $receipt }.
printing-copy = Printing receipt { $receipt } (copy).
printing-failed = Not printed: { $reason }. The record is safely stored; reprint it from staff mode.
printing-not-started = Not printed: cannot start printing: { $reason }. The record is safely stored; reprint it from staff mode.
printing-interrupted = Not printed: the print thread ended without a result. The record is safely stored; reprint it from staff mode.

## Kiosk: picker

picker-choose-the-commune = Choose the commune
picker-choose-the-ethnic-group = Choose the ethnic group
picker-no-province = No province
picker-choose-the-province = Choose the province
picker-more = { $count } more: type more to narrow.

## Kiosk: on-screen keyboard

keyboard-monthly-income = Monthly income (đồng)
keyboard-search = Search
keyboard-pin = PIN
keyboard-new-pin = New PIN (6 digits)

## Kiosk: staff mode

staff-setting-collection-point = Collection point (on receipts)
staff-setting-agent-code = Agent code
staff-setting-server = Collection server
staff-settings-saved = Settings saved.
staff-pin-six-digits = The PIN is exactly 6 digits.
staff-pin-changed = PIN changed.
staff-sending-now = Sending records to the server.
staff-no-server = This device has no server connection: export the records to a USB stick.
staff-new-shift = A new shift has started.
staff-queue = Queue
staff-quarantine = Quarantine
staff-shift = Shift
staff-renewals = Renewals
staff-settings = Settings
staff-development-pin = This device uses the development PIN: change it in Settings.
staff-development-key = Records are sealed to a development key: they cannot reach a real server.
staff-never = never
staff-queued = Queued
staff-sending = Sending
staff-acknowledged = Acknowledged
staff-quarantined = Quarantined
staff-voided = Voided
staff-oldest-unsent = Oldest unsent
staff-last-acknowledgement = Last acknowledgement
staff-last-sync = Last sync
staff-server = Server
staff-not-registered = not registered
staff-last-failure = Last failure
staff-quarantined-receipt = Receipt
staff-shift-receipts = Receipts
staff-shift-voided = Voided
staff-cash-to-hand-in = Cash to hand in
staff-shift-receipt = Receipt
staff-paid-until = paid until
staff-policy-table = Policy table
staff-pin-wrong = Wrong PIN. { $left ->
    [one] { $left } try left.
   *[other] { $left } tries left.
}
staff-pin-locked = Too many wrong PINs. Try again in { $minutes ->
    [one] { $minutes } minute.
   *[other] { $minutes } minutes.
}
staff-released = Receipt { $receipt }: back in the queue.
staff-alarm = ALARM: { $records ->
    [one] { $records } record has
   *[other] { $records } records have
} waited { $days ->
    [one] { $days } day
   *[other] { $days } days
} without reaching the server (limit { $limit ->
    [one] { $limit } day
   *[other] { $limit } days
}). Find a network and press "Sync now", or carry them out on a USB stick.
staff-blocked = The server refuses this device ({ $reason }): call the office.
staff-renewals-fetched = People whose paid period ends soon, downloaded at { $at } ({ $ago }).
