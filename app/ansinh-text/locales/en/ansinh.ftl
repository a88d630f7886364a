# The kiosk's and the ansinh command's wording in English, translated from locales/vi.
# Same ids and { $arguments } as the Vietnamese; counts take CLDR's English forms [one] and
# *[other].

## The language itself

language-name = English
decimal-separator = .
money-minus = −{ $amount }
money-plus = +{ $amount }

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
source-in-english = [in English] { $source }
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
payment-day-rules-change = Priced at the rules in force on the day of payment ({ $paid_on }) for every month paid, up to { $until }. New rules from { $change_day } ({ $what }) do not apply to this payment: nothing more to pay later, and no refund of the difference.
payment-day-rules-unconfirmed = Priced at the rules in force on the day of payment ({ $paid_on }) for every month paid, up to { $until }. The rules are confirmed only until { $confirmed }; should they differ from { $change_day }, that would not apply to this payment: nothing more to pay later, and no refund of the difference.

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
scenarios-better-per-dong = For each dong paid, option { $option } gives the higher pension.
scenarios-same-per-dong = Both give the same pension for each dong paid.

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
benefits-maternity-note = For a mother (or father) who paid voluntary SI for { $paid } of the { $window ->
    [one] { $window } month
   *[other] { $window } months
} before the birth.
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
enroll-preselected = Chosen in advance (the usual group at this collection point): ask the person
enroll-reminders-need-phone = A payment reminder by phone needs a phone number: enter it on the { $step } step, then choose the reminder again. Everything entered is kept.
enroll-reminders = Payment reminder
enroll-reminders-by-phone = Yes, a call to { $phone }
enroll-reminders-none = No
enroll-income-floor = { $amount } (the lowest)

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
printing-citizen-no-printer = This machine does not print receipts. Your record is saved: note your receipt number { $receipt } and ask the staff for a paper receipt.
printing-citizen-not-printed = The receipt could not be printed. Your record is saved: note your receipt number { $receipt } and ask the staff to print your paper receipt.

## Kiosk: picker

picker-choose-the-commune = Choose the commune
picker-choose-the-ethnic-group = Choose the ethnic group
picker-no-province = No province
picker-choose-the-province = Choose the province
picker-more = { $count } more: type more to narrow.

## Kiosk: on-screen keyboard

keyboard-monthly-income = Monthly income (dong)
keyboard-search = Search
keyboard-pin = PIN
keyboard-new-pin = New PIN (6 digits)

## Kiosk: staff mode

staff-setting-collection-point = Collection point (on receipts)
staff-setting-agent-code = Agent code
staff-setting-server = Collection server
staff-setting-usual-ethnicity = Usual ethnic group at this collection point (chosen in advance in the wizard; empty: none)
staff-setting-unknown-ethnicity = Not saved: "{ $name }" is not one of the 54 ethnic groups. Enter a group's name, e.g. Kinh, Tày, Thái, Mường.
staff-settings-saved = Settings saved.
staff-pin-six-digits = The PIN is exactly 6 digits.
staff-pin-changed = PIN changed.
staff-sending-now = Sending records to the server.
staff-no-server = This device has no server connection: export the records to a USB stick.
staff-sync-not-registered = Nothing sent: this device is not registered with a collection server. To register: put server_url and provisioning_token (a one-time token from the collection server) in ansinh.toml and restart the device, or run ansinh register --data-dir DIR --server URL --token TOKEN. Meanwhile, export the records to a USB stick.
staff-registration-failed = The last registration attempt failed: { $reason }.
staff-new-shift = A new shift has started.
staff-queue = Queue
staff-quarantine = Quarantine
staff-shift = Shift
staff-renewals = Renewals
staff-settings = Settings
staff-development-pin = This device uses the development PIN: change it in Settings.
staff-development-key = Records are sealed to a development key: they cannot reach a real server.
kiosk-demo-band = DEMONSTRATION MODE — records are not sent
kiosk-battery-low = Battery low ({ $percent } %) — plug in the charger
kiosk-battery-critical = BATTERY NEARLY FLAT ({ $percent } %) — plug in now, the device will switch off
kiosk-enroll-needs-server-key = No enrollments yet: this device has no key from the collection server. Staff must register it (server address and token in the configuration file).
staff-never = never
staff-queued = Queued
staff-sending = Sending
staff-acknowledged = Acknowledged
staff-quarantined = Quarantined
staff-voided = Voided
staff-oldest-unsent = Oldest unsent
staff-last-acknowledgement = Last acknowledgement
staff-last-sync = Last sync
staff-last-sync-outcome = Last sync result
staff-sent-and-unsent = { $sent } sent, { $unsent } still unsent
staff-next-try = Next automatic try
staff-next-try-now = now
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
staff-update-needed = The server no longer accepts this version: the ansinh software on this device needs an update (records are kept, not sent yet).
staff-renewals-fetched = People whose paid period ends soon, downloaded at { $at } ({ $ago }).
staff-accounts = Staff
staff-account-code = Staff code (e.g. DL-0001)
staff-account-name = Full name
staff-account-pin = PIN (6 digits)
staff-account-pin-again = PIN again
staff-account-no-pin = This account has no PIN yet: ask a clerk to set the first one.
staff-account-must-change = Someone else set this PIN: choose your own new PIN.
staff-account-incomplete = Enter the staff code and the full name.
staff-account-pins-differ = The two PINs typed differ.
staff-account-pin-set = PIN set for { $code }: they must change it at their first login.
staff-account-added = Account { $code } added.
staff-clerk-only = Only a clerk can do this.
staff-role-agent = collection agent
staff-role-clerk = clerk
staff-account-needs-pin = no PIN yet
staff-account-locked = locked
staff-logged-in-as = Working: { $name } ({ $code })

## The ansinh command

cli-date = { $year }-{ $month }-{ $day }
cli-sources = Sources:
cli-estimate = ESTIMATE: this result uses a parameter that is not verified (see Sources).
cli-group-poor = poor
cli-group-near-poor = near-poor
cli-group-ethnic-minority = ethnic-minority
cli-group-island = island
cli-group-other = other
cli-quote-heading = Voluntary social insurance — payment on { $day } (policy table { $version })
cli-quote-income = Chosen monthly income
cli-quote-income-range = { $income } (from { $floor } to { $ceiling })
cli-quote-mode = Mode
cli-quote-mode-months = { $mode } ({ $months ->
    [one] { $months } month
   *[other] { $months } months
})
cli-quote-group = Support group
cli-quote-each-month = Each month:
cli-quote-contribution = Contribution
cli-quote-national-support = National support
cli-quote-provincial-support = Provincial support
cli-quote-person-pays = Person pays
cli-quote-support-ends = Support ends after { $months ->
    [one] { $months } month
   *[other] { $months } months
}; each remaining month costs { $amount } (no support)
cli-quote-whole-payment = Whole payment ({ $months ->
    [one] { $months } month
   *[other] { $months } months
}):
cli-quote-total-contribution = Contribution
cli-quote-amount-to-pay = AMOUNT TO PAY
cli-quote-in-words = In words
cli-quote-discounted = (discounted at the fund return { $rate }%/month)
cli-quote-compounded = (compounded at the fund return { $rate }%/month)
cli-quote-supported = Supported for { $months ->
    [one] { $months } month
   *[other] { $months } months
}; left: { $left ->
    [one] { $left } supported month
   *[other] { $left } supported months
} (120 at most).
cli-pension-heading = Pension estimate (on { $day }, policy table { $version })
cli-pension-age = { $years ->
    [one] { $years } year
   *[other] { $years } years
} { $months ->
    [one] { $months } month
   *[other] { $months } months
}
cli-pension-transitional = (transitional rule: started before 2021 with 20 years)
cli-pension-retirement-age = Retirement age
cli-pension-age-reached = Age reached in
cli-pension-months-at-retirement = Months paid at retirement
cli-pension-months-detail = { $total } ({ $paid } paid + { $planned } planned)
cli-pension-average-income = Average income (adjusted)
cli-accrual-rate = Accrual rate
cli-pension-monthly-pension = MONTHLY PENSION
cli-pension-paid-from = Paid from
cli-pension-already-eligible = Already eligible since { $from }. Claim the pension at the social insurance office, which decides on the months before the claim.
cli-pension-short = Not yet eligible for a pension: short by { $short ->
    [one] { $short } month
   *[other] { $short } months
} (needs { $needed ->
    [one] { $needed } month
   *[other] { $needed } months
}).
cli-pension-options = Options:
cli-pension-option-backpay = Back-pay { $months ->
    [one] { $months } missing month
   *[other] { $months } missing months
} in { $paid_in }, costing { $cost } → pension { $pension } a month from { $from }.
cli-pension-option-no-backpay = Back-pay is not possible: only when at most 5 years (60 months) short.
cli-pension-option-pay-on = Keep paying { $months ->
    [one] { $months } month
   *[other] { $months } months
} until { $complete } (in all { $total }), then draw a pension of { $pension } a month from { $from }.
cli-pension-option-allowance = Take the monthly allowance of { $amount } for { $months ->
    [one] { $months } month
   *[other] { $months } months
} (pot { $pot }).
cli-pension-option-allowance-top-up = Take the monthly allowance of { $amount } for { $months ->
    [one] { $months } month
   *[other] { $months } months
} (pot { $pot }); top-up to last until the social pension { $top_up }.
cli-pension-one-time = One-time withdrawal instead
cli-social-pension = Social pension
cli-pension-social-pension = { $amount } a month, at { $age } years (in { $from })
cli-bhyt-heading = Household health insurance — { $members ->
    [one] { $members } member
   *[other] { $members } members
}, { $months ->
    [one] { $months } month
   *[other] { $months } months
} (policy table { $version })
cli-bhyt-first-member = First member: { $reference } × { $rate }
cli-bhyt-member = Member
cli-bhyt-share = Share
cli-bhyt-monthly = Monthly
cli-bhyt-period = Period
cli-bhyt-total = TOTAL
cli-bhyt-in-words = In words: { $words }
cli-benefits-none = not in force on that date
cli-benefits-heading = Other benefits on { $day } (policy table { $version })
cli-benefits-maternity = { $per_child } per child (total { $total }), needs { $paid ->
    [one] { $paid } month
   *[other] { $paid } months
} within { $window ->
    [one] { $window } month
   *[other] { $window } months
} before the birth
cli-benefits-funeral = { $amount } (after { $months ->
    [one] { $months } month
   *[other] { $months } months
} paid, or for a pensioner)
cli-benefits-social-pension = { $amount } a month from age { $age } (poor and near-poor households from { $age_poor })
cli-benefits-maternity-allowance = Maternity allowance
cli-benefits-funeral-allowance = Funeral allowance
cli-policy-heading = Policy table { $version }
cli-policy-valid-from = Valid from { $day }
cli-policy-not-in-force = (not in force)
cli-policy-province = Province { $name } ({ $code })
cli-compare-heading = Ways of paying compared — asked on { $day } (policy table { $version })
cli-compare-option = Option { $option }
cli-compare-months-paid = Months paid
cli-compare-to-retirement = { $months } (to retirement)
cli-compare-first-month = You pay the first month
cli-compare-total = You pay in total
cli-compare-months-raised = Months raised to the floor
cli-compare-retirement-reached = Retirement age reached
cli-compare-monthly-pension = Monthly pension
cli-compare-short = short by { $months ->
    [one] { $months } month
   *[other] { $months } months
}
cli-compare-pension-from = Pension from
cli-compare-paid-back-after = Paid back after
cli-compare-note = Each month is priced at that month's floor, ceiling and support (from 1 Jan 2027 the lowest income is the new rural poverty line).
cli-print-width = Paper width "{ $width }" in --width: choose 58 or 80.
cli-print-no-receipt = No receipt { $receipt } on this device.
cli-print-voided = Receipt { $receipt } was voided: its receipt is not reprinted.
cli-print-purged = Receipt { $receipt } had its personal data removed after the retention period: it cannot be reprinted.
cli-print-receipt = Receipt { $receipt } ({ $copy ->
    [yes] copy
   *[no] original
}, { $amount }){ $printed ->
    [yes] , printed
   *[no] {""}
}: { $width } × { $height } dots.
cli-shift-matches = matches the queue
cli-shift-mismatch = MISMATCH: { $mismatches }
cli-shift-summary = Shift { $from } to { $until }: { $receipts ->
    [one] { $receipts } receipt
   *[other] { $receipts } receipts
}, collected { $collected }, { $voids } voided ({ $voided }), cash to hand in { $cash }; { $unsent } unsent; { $agreement }.
cli-input-invalid-date = "{ $value }" in --{ $field } is not a date: use YYYY-MM-DD, e.g. 2026-11-22.
cli-input-invalid-month = "{ $value }" in --{ $field } is not a month: use YYYY-MM, e.g. 1979-03.
cli-input-invalid-amount = "{ $value }" in --{ $field } is not an amount: whole dong, digits only, e.g. 1500000.
cli-input-invalid-number = "{ $value }" in --{ $field } is not a whole number, e.g. 12.
cli-input-invalid-group = No group "{ $value }": choose poor, near-poor, ethnic-minority, island or other.
cli-input-invalid-sex = "{ $value }" is not a sex: use male or female.
cli-input-invalid-mode = No mode "{ $value }": choose 1, 3, 6, 12, advance-YEARS (e.g. advance-5) or backpay-MONTHS (e.g. backpay-12).
cli-input-unknown-province = "{ $value }" is not one of the 34 province codes (e.g. 01 Hà Nội, 79 Hồ Chí Minh City).
cli-input-missing-person = --{ $field } is missing: both --born and --sex are needed.
cli-input-required = Missing required input: --{ $field }.
cli-input-conflicting-arguments = Use either --{ $field } or --{ $other } with --paid-avg, not both.
cli-input-invalid-way = --{ $field }: give INCOME:YEARS, e.g. 1500000:15 (monthly income, 1–50 years).
cli-input-invalid-history = History file, line { $line }: { $what } (each line: year,months,income).
cli-input-missing = Missing required input: { $argument }.
cli-input-unknown-option = Unknown option { $argument }.
cli-input-choose-command = Choose a command: quote, pension, bhyt, benefits or policy.
cli-error = Error
cli-and = and
cli-record-invalid-json = The record is not valid JSON: { $reason }
cli-enqueue-collection-point = collection point
cli-enqueue-agent-code = agent code
cli-enqueue-no-collection-point = This device has no { $what } yet: a receipt must say where and by whom the money was taken. Add { $count ->
    [one] it
   *[other] them
} to the command once and the device remembers { $count ->
    [one] it
   *[other] them
}, e.g. { $command }
cli-enqueue-invalid-record-id = The record id to correct is 32 hexadecimal digits.
cli-enqueue-correction-before-upload = That record is not uploaded yet: void it and enter it again instead.
cli-enqueue-record-not-found = No such record on this device.
cli-enqueue-not-provisioned = This device has no key from a collection server, so it cannot take real enrollments: register it first (ansinh register), or add --demo to try it out (records sealed to the development key alone, never sent).
cli-enqueue-demo-registered = This device has a collection server's key: its records are real; drop --demo.
cli-duplicate-member = member { $name }
cli-duplicate-this-person = this person
cli-duplicate-household = household health insurance
cli-duplicate-voluntary = voluntary social insurance
cli-duplicate-earlier = Possible double payment: { $who } already has receipt { $receipt } for { $period } ({ $scheme }) on this device.
cli-duplicate-what-to-do = Nothing was saved: take no money. If they really pay again, staff run the command again with --confirm-duplicate.
cli-provision-invalid-key = The server's sealing key is exactly 64 hexadecimal digits.
cli-provisioned = The collection server's sealing key is provisioned for { $dir }.
cli-state-queued = queued
cli-state-sending = sending
cli-state-acknowledged = acknowledged
cli-state-quarantined = quarantined
cli-state-voided = voided
cli-age = { $days } d { $hours } h { $minutes } min
cli-staff-wrong-state = Receipt { $receipt } is { $state }: not allowed (after upload, enter a correction instead).
cli-staff-reason-required = A reason is required.
cli-staff-agent-required = This device has staff accounts: add --agent CODE (the PIN is read from ANSINH_PIN or one line of standard input).
cli-staff-unknown-agent = This device has no account { $code }.
cli-queue-purged = Personal data removed from { $records ->
    [one] { $records } record
   *[other] { $records } records
} acknowledged over { $days ->
    [one] { $days } day
   *[other] { $days } days
} ago.
cli-queue-heading = Outbox: { $dir }
cli-queue-development-key = NOTE: local development key; not registered with a collection server.
cli-queue-counts = queued { $queued }  sending { $sending }  acknowledged { $acknowledged }  quarantined { $quarantined }  voided { $voided }
cli-queue-oldest = Oldest unsent: { $age }
cli-voided = Receipt { $receipt } voided ({ $reason }).
cli-verify-checked = Checked { $dir }: { $records ->
    [one] { $records } record
   *[other] { $records } records
}, { $opened } opened and decoded
cli-verify-ok = OK: the database is intact and every record is whole.
cli-verify-problems = PROBLEMS: see the list above.
cli-not-registered = This device is not registered with a collection server yet. Get a one-time token (ansinh-hub token), then run: { $command } --label "POINT NAME"
cli-sender-busy = another process (the kiosk) is sending this device's records; try again later
cli-register-development-unsent = { $records ->
    [one] { $records } record is
   *[other] { $records } records are
} sealed to the development key and unsent: void them before registering.
cli-registered = Registered with { $server }: device id { $device }.
cli-sync-sent = Sent { $batches ->
    [one] { $batches } batch
   *[other] { $batches } batches
}, { $acknowledged ->
    [one] { $acknowledged } record
   *[other] { $acknowledged } records
} acknowledged ({ $duplicates } already held).
cli-sync-quarantined = Quarantined receipt { $receipt }: { $reason }
cli-sync-not-all-sent-retry = Not all sent: { $reason } (will retry)
cli-sync-not-all-sent-person = Not all sent: { $reason } (needs a person)
cli-sync-unsent = Unsent: { $unsent }
cli-sync-unsent-alarm = Unsent: { $unsent }  — ALARM: no sync for too long
cli-sync-oldest = Oldest unsent: { $hours } h
cli-sync-last-ack = Last acknowledgement: { $minutes } min ago
cli-sync-next-try = Next automatic try: { $at } (Viet Nam time)
cli-sync-no-automatic-try = Records needing a person are not retried automatically: staff look at them, then release them (ansinh queue release)
cli-export-nothing = No unsent records: only the device's health report was written ({ $health }).
cli-export-health = The device's health report: { $health }.
cli-export-written = { $records ->
    [one] { $records } unsent (sealed) record
   *[other] { $records } unsent (sealed) records
} written to { $files }.
cli-import-ack-none = No acknowledgement (.ack) for this device in { $folder }: has the collection server imported the bundles on the stick (ansinh-hub import FOLDER)?
cli-import-ack-held = The server holds { $acknowledged ->
    [one] { $acknowledged } record
   *[other] { $acknowledged } records
} ({ $already } already marked); { $quarantined } quarantined.
cli-import-ack-read = Acknowledgements read: { $files }
cli-import-ack-read-others = Acknowledgements read: { $files } ({ $others } of other devices left alone)
cli-import-ack-unreadable = Unreadable: { $file }
cli-renewals-none = No renewal list downloaded yet.
cli-renewals-due = { $people ->
    [one] { $people } person due to renew.
   *[other] { $people } people due to renew.
}

# The device's clock (enrollment stops while it is not trusted)
clock-behind = The device's clock shows { $device }, earlier than the latest time it trusts ({ $trusted }): the clock may have been reset, for instance after a power cut.
clock-drifted = The device's clock shows { $device }, more than a day away from the server's time ({ $trusted }, counted from the last sync).
clock-stopped = Enrollment is stopped so that no receipt carries a wrong date. Set the device's clock right, or have a clerk confirm that the date shown is right: { $how }.
clock-confirm-kiosk = press "Confirm date and time" on the staff screen
clock-confirm-cli = ansinh clock --confirm --data-dir { $dir } --agent CLERK_CODE
clock-confirmed = The device's date and time confirmed: { $device }.
clock-trusted = The device's clock: { $device }; nothing says it is wrong.
clock-confirm-clerk-only = Only a clerk may confirm the device's date and time.
quote-date = Priced on { $date }
enroll-from-card = From the card — check it
scan-filled = Filled in from the ID card's QR code. The code is not signed: compare each field marked “From the card” with the card in hand.
scan-filled-commune-search = Filled in from the ID card's QR code. The code is not signed: compare each field marked “From the card” with the card in hand. The card's address uses the old administrative units: choose today's commune or ward (the list is searched for “{ $commune }”).
scan-not-a-card = The code scanned is not a chip ID card's QR code{ $field ->
    [layout] {""}
    [personal_id] {" "}(the ID number is wrong)
    [old_id] {" "}(the old ID number is wrong)
    [full_name] {" "}(the name is wrong)
    [birth_date] {" "}(the date of birth is wrong)
    [sex] {" "}(the sex is wrong)
    [address] {" "}(the address is wrong)
   *[issue_date] {" "}(the issue date is wrong)
}. Nothing was filled in: scan the QR code on the card, or type the details.
scan-lost-accents-keyboard = The scanner is in keyboard mode and the accented letters were lost: switch the scanner to COM port mode (USB CDC). Nothing was filled in from this scan.
scan-lost-accents = The accented letters of the code were lost on the way from the scanner: set the scanner to send UTF-8 text. Nothing was filled in from this scan.
scan-not-utf8 = The scanner sent text that is not UTF-8: set the scanner to send UTF-8 text. Nothing was filled in from this scan.

# Policy tables (a published table on the device: where from, until when, why estimates, what changed)
policy-valid-until = Policy table { $version }, confirmed until { $day }
policy-built-in = Table built into the software
policy-installed = Received { $when } from { $source } (published { $published })
policy-source-sync = the collection server
policy-source-usb = a USB stick
policy-source-configuration = the device's configuration partition
policy-problem = Note: { $why }
policy-estimate-past = Amounts are estimates: the policy table is confirmed only until { $day }.
policy-estimate-newer = Amounts are estimates: the collection server has table { $version }, which this device could not install ({ $why }).
policy-estimate-newer-pending = not fetched yet
policy-changes = Changes from table { $version }:
policy-no-changes = No parameter differs from table { $version }.
policy-change-added = new
policy-change-changed = changed
policy-change-removed = removed
policy-change-line = { $param } ({ $kind }) { $from } – { $until }{ $amounts }: { $source } [{ $status }]
policy-installed-now = Installed policy table { $version }, in use from now on.
policy-refused = Policy table refused: { $why }
policy-refused-no-key = the device registered before the server had a policy-signing key, so it cannot check any table; register it again with a new token
policy-refused-signature = the signature does not verify (the table was altered or is not this server's)
policy-refused-invalid = the table is invalid: { $why }
policy-refused-not-newer = table { $offered } is not later than table { $current } on this device
staff-policy = Policy table
staff-policy-from = Where the table came from

## Read aloud (the speaker button, ansinh-speech). The voice is Vietnamese: the kiosk reads the
## Vietnamese of these whatever the screen's language; the English is for the translators.
speech-home = Hello! What would you like to know?
speech-home-choices = Touch a tile on the screen: How much do I pay; When do I get a pension; Compare ways of paying; Household health insurance; Other benefits; or Enroll.
speech-home-privacy = This screen keeps none of your information.
speech-quote-title = How much do you pay for voluntary social insurance?
speech-income = The monthly income you choose to pay on
speech-group = Your group
speech-mode = Paying
speech-province = Province of permanent residence
speech-net = What you pay each time
speech-per-month = For one month
speech-quote-next = To enroll at this amount, touch Enroll at this amount.
speech-pension-title = When do you get a pension, and how much?
speech-pension-person = You were born in { $born }, have paid { $paid }, and will pay on { $planned } a month.
speech-pension-next = Touch plus or minus to change the birth year, the years paid or the income; the amounts are worked out again at once.
speech-scenarios-title = Two ways of paying for the same person, side by side.
speech-scenarios-column = { $title }: income { $income } a month, paying { $years }.
speech-household-title = Household health insurance: how much does the whole household pay?
speech-household-members = Members of the household taking part: { $members }, paying for { $period }.
speech-household-row = { $order }: { $monthly } a month, { $amount } for the period.
speech-household-total = The household pays
speech-household-next = To enroll, touch Enroll the household.
speech-benefits-title = The other benefits of members.
speech-enroll-choose = What would you like to enroll in? Touch voluntary social insurance, with a pension; or household health insurance, a health card. You need your ID card.
speech-enroll-step = Step { $step } of { $steps }: { $name }.
speech-enroll-fill = Please fill in: { $fields }.
speech-enroll-next = When done, touch { $button }.
speech-enroll-review = Please listen and check your information.
speech-enroll-amount = Amount to pay
speech-enroll-submit = If it is right, touch { $button }. If not, touch Edit beside the line to change.
speech-enroll-consent = Touch I agree if you agree, then touch { $button }.
speech-enroll-members = The household list has { $members ->
    [one] 1 person
   *[other] { $members } people
}. Touch Add a person to add one.
speech-done = Your { $scheme } enrollment is received. Receipt number: { $receipt }.
speech-done-amount = Amount paid
speech-done-next = The enrollment is stored safely. Keep the receipt number. When done, touch Done, next customer.
speech-picker = { $title }. Type the first letters to search, then touch the name to choose.
speech-keyboard = Typing { $field }. Type on the screen's keyboard.
staff-speech = Read aloud
speech-ready = Working (espeak-ng, Vietnamese voice)
speech-disabled = Switched off in the configuration file ([speech] enabled = false)
speech-no-voice-configured = No voice yet
speech-unavailable = Not working, the speaker button is hidden: { $why }
speech-missing = { $program } is not installed (apt-get install espeak-ng alsa-utils)
speech-no-voice = espeak-ng has no voice { $voice }
speech-no-sound = the speaker does not open (ALSA device { $device }): { $detail }
speech-failed = { $detail }

## Software updates (the staff screen's line, `ansinh update`).
staff-update = Software update
update-up-to-date = Software { $running } is the latest
update-downloading = Downloading update { $version }: { $percent } %
update-ready = Update { $version } downloaded; it is installed when the kiosk is idle
update-installing = Installing update { $version }
update-waiting-reboot = Update { $version } installed; the kiosk restarts when idle
update-fell-back = Version { $version } did not start properly; the kiosk went back to { $running }
update-refused = Update { $version } refused: { $why }
update-why-signature = the signature does not verify
update-why-incompatible = it is not made for this kind of device
update-why-not-newer = it is not newer than the version running
update-why-place = the file is neither in the updates folder nor on the USB stick
update-why-missing = the file is missing
update-why-version = its version cannot be read
update-why-failed = RAUC could not install it
update-why-download = the download does not match what the server announced
update-installed-now = Installed update { $version } into the other slot; the device runs it after a restart.
update-no-request = No install request.
update-rebooting = Restarting into { $version }.
update-reboot-nothing = No installed update waits for a restart.
update-reboot-failed = Could not restart: { $why }
