//! The wizard's problems brought into view, and the idle warning that hides the person.
//!
//! - After "Tiếp" on a step scrolled down past its first wrong field, that field is scrolled
//!   back into view (Slint's testing backend, the handheld's 480×800).
//! - While the idle warning counts down, nothing of the person shows behind it: the screen
//!   drawn over two different people's reviews is the same, pixel for pixel (the software
//!   renderer), while without the warning the two reviews differ.

#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_device::DataDir;
use ansinh_device::clock::FakeClock;
use ansinh_kiosk::app::{App, Options, Screen};
use ansinh_kiosk::controllers::enroll::Scheme;
use ansinh_kiosk::store::{DeviceStore, Settings};
use ansinh_kiosk::ui::{Kiosk, connect, render};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;

/// The element labelled `label` among those on the screen (the search skips what a scroll
/// area clips away entirely).
fn find(k: &Kiosk, label: &str) -> Option<ElementHandle> {
    ElementHandle::find_by_accessible_label(&k.window, label).next()
}

fn element(k: &Kiosk, label: &str) -> ElementHandle {
    find(k, label).unwrap_or_else(|| panic!("nothing labelled {label:?} on the screen"))
}

fn press(k: &Kiosk, label: &str) {
    use i_slint_backend_testing::AccessibleRole as R;
    let found: Vec<_> = ElementHandle::find_by_accessible_label(&k.window, label).collect();
    let target = found.iter().find(|e| matches!(e.accessible_role(), Some(R::Button)));
    target.unwrap_or_else(|| panic!("no button {label:?}")).invoke_accessible_default_action();
}

/// The top and bottom of an element, in window coordinates.
#[allow(clippy::float_arithmetic)] // logical pixels on the screen, not money
fn span(e: &ElementHandle) -> (f32, f32) {
    let (at, size) = (e.absolute_position(), e.size());
    (at.y, at.y + size.height)
}

#[test]
fn after_next_the_first_wrong_field_is_scrolled_into_view() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let tmp = tempfile::tempdir()?;
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let dir = DataDir::open(tmp.path())?;
    dir.provision_sealing_key(&ansinh_wire::OpeningKey::generate().sealing_key())?;
    let store = DeviceStore::open(dir, Settings::default())?;
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        ..Options::default()
    };
    let k = connect(App::new(Box::new(store), Rc::new(FakeClock::at(today)), options))?;
    k.window.window().set_size(slint::LogicalSize::new(480.0, 800.0));
    press(&k, "Đăng ký tham gia");
    press(&k, "BHXH tự nguyện (có lương hưu)");
    {
        // The first steps as the fixture person's, straight into the controller.
        let mut app = k.app.borrow_mut();
        let (t, d) = (app.table.clone(), app.today());
        let e = &mut app.enroll;
        e.set("person.full_name", "Nguyễn Thị Hồng Nhung");
        e.choose("person.sex", 1, &t, d);
        e.set("person.birth_date", "15/03/1979");
        e.set("person.personal_id", "001179012345");
        e.set("person.ethnicity", "01");
        e.set("person.address.province_code", "01");
        e.set("person.address.commune_code", "09556");
        e.set("person.address.line", "Số 12, ngõ 34, phố Quang Trung");
        e.goto(4);
        // The payment with everything but the income (below the floor).
        e.set("choices.income", "1000000");
        e.choose("choices.mode", 1, &t, d);
        e.choose("choices.group", 0, &t, d);
        e.choose("choices.start_month", 1, &t, d);
    }
    k.refresh();
    let income = "Mức thu nhập chọn đóng mỗi tháng";
    let next = span(&element(&k, "Tiếp"));
    let top = span(&element(&k, "Trang đầu")).1;
    // Scrolled to the bottom of the step, as a person reaching its last choice is.
    let middle = slint::LogicalPosition::new(240.0, 400.0);
    k.window.window().dispatch_event(slint::platform::WindowEvent::PointerScrolled {
        position: middle,
        delta_x: 0.0,
        delta_y: -3000.0,
    });
    let before = find(&k, income).map(|e| span(&e));
    assert!(
        before.is_none_or(|(_, bottom)| bottom <= top),
        "the income is scrolled out of view first: {before:?}, top {top}"
    );

    press(&k, "Tiếp");
    slint::platform::update_timers_and_animations();
    let e = k.window.global::<ansinh_ui::EnrollAdapter>();
    assert!(e.get_banner().starts_with("Còn 1 chỗ cần sửa"), "{}", e.get_banner());
    let after = span(&element(&k, income));
    assert!(
        after.0 >= top && after.1 <= next.0,
        "the wrong field is in view after Tiếp: {after:?} between {top} and {}",
        next.0
    );
    Ok(())
}

/// A person's whole form, on the review.
fn review_of(app: &mut App, name: &str, id: &str, line: &str, income: &str) {
    let (t, d) = (app.table.clone(), app.today());
    app.navigate(Screen::Enroll);
    let e = &mut app.enroll;
    e.start(Scheme::Voluntary);
    e.set("person.full_name", name);
    e.choose("person.sex", 1, &t, d);
    e.set("person.birth_date", "15/03/1979");
    e.set("person.personal_id", id);
    e.set("person.ethnicity", "01");
    e.set("person.address.province_code", "01");
    e.set("person.address.commune_code", "09556");
    e.set("person.address.line", line);
    e.set("choices.income", income);
    e.choose("choices.mode", 1, &t, d);
    e.choose("choices.group", 0, &t, d);
    e.choose("choices.start_month", 1, &t, d);
    e.goto(6);
}

#[test]
fn the_idle_warning_hides_everything_of_the_person_behind_it() -> anyhow::Result<()> {
    let window = ansinh_kiosk::platform::install_headless()?;
    let today = ansinh_kiosk::screens::TOUR_DATE.parse().map_err(|_| anyhow::anyhow!("date"))?;
    let people = [
        ("Nguyễn Thị Hồng Nhung", "001179012345", "Số 12, ngõ 34, phố Quang Trung", "2000000"),
        ("Lò Văn Páo", "001085004321", "Bản Nà Sang, tổ 3", "3500000"),
    ];
    let mut drawn = Vec::new();
    for (name, id, line, income) in people {
        let (k, _clock) = ansinh_kiosk::screens::tour_kiosk(today)?;
        k.window.show()?;
        let mut shots = Vec::new();
        for warning in [0, 12] {
            {
                let mut app = k.app.borrow_mut();
                review_of(&mut app, name, id, line, income);
                app.idle_left = warning;
                render(&mut app, &k.window);
            }
            for (w, h) in [(1280, 800), (480, 800)] {
                shots.push(ansinh_kiosk::platform::draw(&window, w, h));
            }
        }
        k.window.hide()?;
        drawn.push(shots);
    }
    let (a, b) = (&drawn[0], &drawn[1]);
    assert!(a[0] != b[0] && a[1] != b[1], "the two reviews differ on screen");
    assert!(a[2] == b[2], "behind the warning (1280×800) nothing of either person shows");
    assert!(a[3] == b[3], "behind the warning (480×800) nothing of either person shows");
    Ok(())
}
