//! The lab's suite, run on the reference AIMD limiter.

adaptive_limit_kit::suite!(solution_adaptive_limit::Aimd);
