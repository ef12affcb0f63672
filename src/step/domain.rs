//! The numbers the step relation is written over.
//!
//! Every guard and update of [`super::steps`] is written once against [`Domain`], so that the
//! same text serves two readers: the breadth-first checker, which evaluates it on plain
//! integers ([`Concrete`]), and an all-sizes proof, which can evaluate it on solver terms
//! (integers and booleans of linear arithmetic) with the sizes `W`, `J`, `K` and `C` left
//! symbolic. The trait is therefore deliberately small: constants, `+`, `-`, comparisons, `if
//! then else`, and the boolean connectives; nothing that is not linear integer arithmetic.

use std::fmt::Debug;

/// A number type and a boolean type with the operations the relation uses.
pub trait Domain: Clone + Debug {
    /// An integer (a plain one, or a solver term).
    type Num: Clone + Debug;
    /// A truth value (a plain one, or a solver formula).
    type Bool: Clone + Debug;

    /// The constant `value`.
    fn num(&self, value: u32) -> Self::Num;
    /// The constant `value`.
    fn bool(&self, value: bool) -> Self::Bool;
    /// `a + b`.
    fn add(&self, a: &Self::Num, b: &Self::Num) -> Self::Num;
    /// `a - b`.
    fn sub(&self, a: &Self::Num, b: &Self::Num) -> Self::Num;
    /// `a < b`.
    fn lt(&self, a: &Self::Num, b: &Self::Num) -> Self::Bool;
    /// `a == b`.
    fn eq(&self, a: &Self::Num, b: &Self::Num) -> Self::Bool;
    /// `if condition { then } else { otherwise }`.
    fn ite(&self, condition: &Self::Bool, then: &Self::Num, otherwise: &Self::Num) -> Self::Num;
    /// `a && b`.
    fn and(&self, a: &Self::Bool, b: &Self::Bool) -> Self::Bool;
    /// `a || b`.
    fn or(&self, a: &Self::Bool, b: &Self::Bool) -> Self::Bool;
    /// `!a`.
    fn not(&self, a: &Self::Bool) -> Self::Bool;

    /// A guarded update: `Some((guard, then()))`, or `None` when this domain knows the guard is
    /// false (plain integers do, and skip computing an update that would be meaningless).
    /// A symbolic domain always returns the pair: its guard is a formula.
    fn guarded<T>(&self, guard: Self::Bool, then: impl FnOnce() -> T) -> Option<(Self::Bool, T)>;

    /// `a <= b`.
    fn le(&self, a: &Self::Num, b: &Self::Num) -> Self::Bool {
        self.not(&self.lt(b, a))
    }
    /// `a > b`.
    fn gt(&self, a: &Self::Num, b: &Self::Num) -> Self::Bool {
        self.lt(b, a)
    }
    /// `a != b`.
    fn ne(&self, a: &Self::Num, b: &Self::Num) -> Self::Bool {
        self.not(&self.eq(a, b))
    }
    /// `a + 1`.
    fn inc(&self, a: &Self::Num) -> Self::Num {
        self.add(a, &self.num(1))
    }
    /// `a - 1`.
    fn dec(&self, a: &Self::Num) -> Self::Num {
        self.sub(a, &self.num(1))
    }
    /// The smaller of `a` and `b`.
    fn min(&self, a: &Self::Num, b: &Self::Num) -> Self::Num {
        self.ite(&self.lt(a, b), a, b)
    }
    /// `a` is `value`.
    fn is(&self, a: &Self::Num, value: u32) -> Self::Bool {
        self.eq(a, &self.num(value))
    }
    /// `a > 0`.
    fn positive(&self, a: &Self::Num) -> Self::Bool {
        self.lt(&self.num(0), a)
    }
    /// The conjunction of `all` (true if empty).
    fn all(&self, all: &[Self::Bool]) -> Self::Bool {
        all.iter().fold(self.bool(true), |acc, b| self.and(&acc, b))
    }
    /// The disjunction of `any` (false if empty).
    fn any(&self, any: &[Self::Bool]) -> Self::Bool {
        any.iter().fold(self.bool(false), |acc, b| self.or(&acc, b))
    }
    /// `if condition { then } else { otherwise }` on booleans.
    fn ite_bool(
        &self,
        condition: &Self::Bool,
        then: &Self::Bool,
        otherwise: &Self::Bool,
    ) -> Self::Bool {
        self.or(
            &self.and(condition, then),
            &self.and(&self.not(condition), otherwise),
        )
    }
}

/// Plain integers: what the breadth-first checker and the unit tests evaluate.
///
/// Counters are `i32` so that an update computed past its guard cannot wrap silently in a
/// way that would look valid; the checker packs them into bytes and refuses sizes that do not
/// fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Concrete;

impl Domain for Concrete {
    type Num = i32;
    type Bool = bool;

    fn num(&self, value: u32) -> i32 {
        i32::try_from(value).expect("a size that fits in i32")
    }
    fn bool(&self, value: bool) -> bool {
        value
    }
    fn add(&self, a: &i32, b: &i32) -> i32 {
        a + b
    }
    fn sub(&self, a: &i32, b: &i32) -> i32 {
        a - b
    }
    fn lt(&self, a: &i32, b: &i32) -> bool {
        a < b
    }
    fn eq(&self, a: &i32, b: &i32) -> bool {
        a == b
    }
    fn ite(&self, condition: &bool, then: &i32, otherwise: &i32) -> i32 {
        if *condition { *then } else { *otherwise }
    }
    fn and(&self, a: &bool, b: &bool) -> bool {
        *a && *b
    }
    fn or(&self, a: &bool, b: &bool) -> bool {
        *a || *b
    }
    fn not(&self, a: &bool) -> bool {
        !*a
    }
    fn guarded<T>(&self, guard: bool, then: impl FnOnce() -> T) -> Option<(bool, T)> {
        guard.then(|| (true, then()))
    }
}
