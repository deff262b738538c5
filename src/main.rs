//! Widget entry point: mounts Fairline into `#fairline` (or `<body>`), nothing else.

fn main() {
    console_error_panic_hook::set_once();
    fairline_widget::mount_from_page();
}
