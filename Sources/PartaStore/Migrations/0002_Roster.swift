extension Migration {
    /// The roster: school years, classes, subjects, people, guardianships, teaching assignments,
    /// movement orders and the enrollment periods derived from them; roster events; API keys and
    /// link codes. Dates are ISO text (`2025-09-01`), which sorts and compares as dates on both engines.
    static let v2Roster = Migration(version: 2, name: "roster") { d in
        [
            """
            CREATE TABLE school_years (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                start_date TEXT NOT NULL,
                end_date TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (organization_id, name)
            )
            """,
            """
            CREATE TABLE subjects (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                search_name TEXT NOT NULL,
                external_id TEXT,
                created_at BIGINT NOT NULL,
                UNIQUE (organization_id, search_name)
            )
            """,
            "CREATE UNIQUE INDEX subjects_by_external_id ON subjects (organization_id, external_id)",
            """
            CREATE TABLE roster_persons (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                surname TEXT NOT NULL,
                given_name TEXT NOT NULL,
                patronymic TEXT NOT NULL,
                gender TEXT NOT NULL,
                birth_date TEXT,
                external_id TEXT,
                account_id BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
                active \(d.bool) NOT NULL,
                search_name TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX roster_persons_by_external_id ON roster_persons (organization_id, external_id)",
            "CREATE INDEX roster_persons_by_account ON roster_persons (account_id)",
            "CREATE INDEX roster_persons_by_role ON roster_persons (organization_id, role, search_name)",
            """
            CREATE TABLE classes (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                school_year_id BIGINT NOT NULL REFERENCES school_years(id),
                grade INTEGER NOT NULL,
                letter TEXT NOT NULL,
                homeroom_teacher_id BIGINT REFERENCES roster_persons(id) ON DELETE SET NULL,
                external_id TEXT,
                created_at BIGINT NOT NULL,
                UNIQUE (school_year_id, grade, letter)
            )
            """,
            "CREATE UNIQUE INDEX classes_by_external_id ON classes (organization_id, external_id)",
            "CREATE INDEX classes_by_homeroom_teacher ON classes (homeroom_teacher_id)",
            """
            CREATE TABLE guardianships (
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                parent_id BIGINT NOT NULL REFERENCES roster_persons(id) ON DELETE CASCADE,
                student_id BIGINT NOT NULL REFERENCES roster_persons(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (parent_id, student_id)
            )
            """,
            "CREATE INDEX guardianships_by_student ON guardianships (student_id)",
            """
            CREATE TABLE teaching_assignments (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                teacher_id BIGINT NOT NULL REFERENCES roster_persons(id),
                subject_id BIGINT NOT NULL REFERENCES subjects(id),
                class_id BIGINT NOT NULL REFERENCES classes(id),
                group_name TEXT NOT NULL,
                external_id TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX teaching_assignments_by_external_id ON teaching_assignments (organization_id, external_id)",
            "CREATE INDEX teaching_assignments_by_class ON teaching_assignments (class_id)",
            "CREATE INDEX teaching_assignments_by_teacher ON teaching_assignments (teacher_id)",
            """
            CREATE TABLE assignment_students (
                assignment_id BIGINT NOT NULL REFERENCES teaching_assignments(id) ON DELETE CASCADE,
                student_id BIGINT NOT NULL REFERENCES roster_persons(id) ON DELETE CASCADE,
                PRIMARY KEY (assignment_id, student_id)
            )
            """,
            "CREATE INDEX assignment_students_by_student ON assignment_students (student_id)",
            """
            CREATE TABLE movement_orders (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                student_id BIGINT NOT NULL REFERENCES roster_persons(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                class_id BIGINT NOT NULL REFERENCES classes(id),
                effective_date TEXT NOT NULL,
                external_id TEXT,
                source TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                cancelled_at BIGINT
            )
            """,
            "CREATE UNIQUE INDEX movement_orders_by_external_id ON movement_orders (organization_id, external_id)",
            "CREATE INDEX movement_orders_by_student ON movement_orders (student_id, effective_date)",
            "CREATE INDEX movement_orders_by_class ON movement_orders (class_id)",
            // Derived from movement_orders by EnrollmentTimeline, rewritten per student in the
            // transaction that changes their orders: "who is in 10А on a date" is one indexed query.
            """
            CREATE TABLE enrollment_periods (
                student_id BIGINT NOT NULL REFERENCES roster_persons(id) ON DELETE CASCADE,
                class_id BIGINT NOT NULL REFERENCES classes(id),
                start_date TEXT NOT NULL,
                end_date TEXT
            )
            """,
            "CREATE INDEX enrollment_periods_by_class ON enrollment_periods (class_id, start_date)",
            "CREATE INDEX enrollment_periods_by_student ON enrollment_periods (student_id)",
            """
            CREATE TABLE roster_events (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL
            )
            """,
            "CREATE INDEX roster_events_by_organization ON roster_events (organization_id, id)",
            """
            CREATE TABLE api_keys (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                created_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
                last_used_at BIGINT,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_keys_by_organization ON api_keys (organization_id)",
            """
            CREATE TABLE link_codes (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                person_id BIGINT NOT NULL REFERENCES roster_persons(id) ON DELETE CASCADE,
                code_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                used_at BIGINT,
                used_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL
            )
            """,
            "CREATE INDEX link_codes_by_person ON link_codes (person_id)",
        ]
    }
}
