//! The suite: what a moving average must do, checked against values worked out by hand. It runs
//! on your `Ewma` (`tests/lab.rs`) and on the reference one (`tests/solution.rs`); every check
//! runs under a watchdog, so a loop that never ends fails with a sentence instead of hanging.

use std::time::Duration;

use cluster::watchdog::within;

use crate::Average;

/// How long any one check may take before it is called stuck.
pub const LIMIT: Duration = Duration::from_secs(10);

/// `got` equals `want` up to rounding.
#[track_caller]
fn assert_close(got: f64, want: f64, what: &str) {
    let tolerance = 1e-9 * want.abs().max(1.0);
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: the average is {got}, not {want}"
    );
}

/// Adds `samples` one by one and checks the average returned after each against `want`.
#[track_caller]
fn feed<A: Average>(average: &mut A, samples: &[f64], want: &[f64], setting: &str) {
    for (i, (&sample, &want)) in samples.iter().zip(want).enumerate() {
        let got = average.add(sample);
        assert_close(
            got,
            want,
            &format!("{setting}, after adding sample {} ({sample})", i + 1),
        );
        let kept = average.get();
        assert!(
            kept == Some(got),
            "{setting}: add returned {got} but get() then says {kept:?}: add must store the \
             average it returns"
        );
    }
}

/// Before any sample there is no average, and the first sample is the average.
pub fn the_first_sample_is_the_average<A: Average>() {
    within(LIMIT, "adding one sample never finished", || {
        let mut average = A::new(9, 0);
        assert!(
            average.get().is_none(),
            "a new average already has a value ({:?}): before the first sample there is none",
            average.get()
        );
        let got = average.add(40.0);
        assert_close(
            got,
            40.0,
            "window 9, warm-up 0, after one sample of 40 (an average that starts from 0 reads \
             8 here: the first sample must replace the empty state, not be blended with 0)",
        );
    });
}

/// During the warm-up, samples are averaged plainly.
pub fn the_warm_up_is_a_plain_mean<A: Average>() {
    within(LIMIT, "the warm-up never finished", || {
        let mut average = A::new(600, 4);
        feed(
            &mut average,
            &[10.0, 20.0, 60.0, 10.0],
            &[10.0, 15.0, 30.0, 25.0],
            "window 600, warm-up 4 (plain means: 10, 15, 30, 25)",
        );
    });
}

/// After the warm-up, each sample weighs `2 ÷ (window + 1)`.
pub fn after_the_warm_up_samples_weigh_two_over_window_plus_one<A: Average>() {
    within(LIMIT, "adding samples never finished", || {
        // window 3: α = 0.5. Warm-up 2: 10, then (10 + 20) ÷ 2 = 15; then 15 × 0.5 + 30 × 0.5
        // = 22.5; then 22.5 × 0.5 + 40 × 0.5 = 31.25.
        let mut average = A::new(3, 2);
        feed(
            &mut average,
            &[10.0, 20.0, 30.0, 40.0],
            &[10.0, 15.0, 22.5, 31.25],
            "window 3 (α = 0.5), warm-up 2",
        );
        // window 9: α = 0.2. 100; 100 × 0.8 + 200 × 0.2 = 120; 120 × 0.8 + 200 × 0.2 = 136;
        // 136 × 0.8 + 0 × 0.2 = 108.8.
        let mut average = A::new(9, 1);
        feed(
            &mut average,
            &[100.0, 200.0, 200.0, 0.0],
            &[100.0, 120.0, 136.0, 108.8],
            "window 9 (α = 0.2), warm-up 1 (is α = 2 ÷ (window + 1), and is the warm-up over \
             after `warmup` samples?)",
        );
    });
}

/// A window of 1 follows the latest sample; a constant input gives a constant average.
pub fn a_window_of_one_follows_the_latest_sample<A: Average>() {
    within(LIMIT, "adding samples never finished", || {
        let mut average = A::new(1, 1);
        feed(
            &mut average,
            &[5.0, 7.0, 3.0],
            &[5.0, 7.0, 3.0],
            "window 1 (α = 1)",
        );
        let mut average = A::new(600, 10);
        let constant = vec![2.5; 50];
        feed(
            &mut average,
            &constant,
            &constant,
            "a constant 2.5, window 600",
        );
    });
}

/// Gradient2's long-term average: 600 samples, warm-up 10. The warm-up's plain mean, then a slow
/// pull toward a new level.
pub fn a_long_window_moves_slowly<A: Average>() {
    within(LIMIT, "adding samples never finished", || {
        let mut average = A::new(600, 10);
        let warm: Vec<f64> = (1..=10).map(f64::from).collect();
        let means: Vec<f64> = (1..=10).map(|n| f64::from(n + 1) / 2.0).collect();
        feed(
            &mut average,
            &warm,
            &means,
            "window 600, warm-up 10, samples 1 to 10",
        );
        // One sample of 606.5 moves 5.5 by (606.5 − 5.5) × 2 ÷ 601 = 2 exactly.
        let got = average.add(606.5);
        assert_close(
            got,
            7.5,
            "window 600, after the warm-up's mean 5.5 and a sample of 606.5 (α = 2 ÷ 601)",
        );
    });
}

/// `scale` multiplies the average and keeps the warm-up state; `reset` forgets everything.
pub fn scale_and_reset<A: Average>() {
    within(LIMIT, "scaling or resetting never finished", || {
        let mut average = A::new(3, 2);
        average.add(10.0);
        average.add(20.0); // 15, warm-up over
        average.scale(0.5);
        assert_close(
            average.get().unwrap_or(f64::NAN),
            7.5,
            "window 3, warm-up 2, 10 and 20 added (15), then scaled by 0.5",
        );
        // Past the warm-up, the next sample blends: 7.5 × 0.5 + 30 × 0.5.
        assert_close(
            average.add(30.0),
            18.75,
            "after scaling 15 to 7.5, adding 30 with α = 0.5 (did scale restart the warm-up, or \
             change only what get() shows?)",
        );
        average.reset();
        assert!(
            average.get().is_none(),
            "after reset the average still has a value ({:?})",
            average.get()
        );
        assert_close(
            average.add(4.0),
            4.0,
            "after reset, the first sample (a new warm-up begins)",
        );
        assert_close(
            average.add(8.0),
            6.0,
            "after reset, the second sample is still in the warm-up (plain mean of 4 and 8)",
        );
    });
}

/// Declares the warm-up's suite, one `#[test]` per check, on the average type given. The warm-up
/// (`tests/lab.rs`) and the reference solution (`tests/solution.rs`) both expand it.
#[macro_export]
macro_rules! suite {
    ($average:ty) => {
        #[test]
        fn the_first_sample_is_the_average() {
            $crate::check::the_first_sample_is_the_average::<$average>();
        }

        #[test]
        fn the_warm_up_is_a_plain_mean() {
            $crate::check::the_warm_up_is_a_plain_mean::<$average>();
        }

        #[test]
        fn after_the_warm_up_samples_weigh_two_over_window_plus_one() {
            $crate::check::after_the_warm_up_samples_weigh_two_over_window_plus_one::<$average>();
        }

        #[test]
        fn a_window_of_one_follows_the_latest_sample() {
            $crate::check::a_window_of_one_follows_the_latest_sample::<$average>();
        }

        #[test]
        fn a_long_window_moves_slowly() {
            $crate::check::a_long_window_moves_slowly::<$average>();
        }

        #[test]
        fn scale_and_reset() {
            $crate::check::scale_and_reset::<$average>();
        }
    };
}
