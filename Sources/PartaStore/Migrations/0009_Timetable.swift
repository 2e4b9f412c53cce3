extension Migration {
    /// The timetable and distance lessons.
    ///
    /// A lesson is the class journal's row: a date and the school's wall-clock start and end
    /// (minutes from midnight; the instants follow from the organization's time zone, so a
    /// corrected zone moves no lesson), the class and optionally one of its groups, the subject,
    /// the teacher (a substitute is just another teacher), topic and room. Cancelled lessons stay,
    /// marked, so a diary can say so. A distance lesson belongs to one lesson and takes its times
    /// from it.
    static let v9Timetable = Migration(version: 9, name: "timetable") { d in
        [
            """
            CREATE TABLE lessons (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                lesson_date TEXT NOT NULL,
                start_minute INTEGER NOT NULL,
                end_minute INTEGER NOT NULL,
                class_id BIGINT NOT NULL REFERENCES classes(id),
                group_name TEXT NOT NULL,
                subject_id BIGINT NOT NULL REFERENCES subjects(id),
                teacher_id BIGINT NOT NULL REFERENCES roster_persons(id),
                topic TEXT NOT NULL,
                room TEXT NOT NULL,
                external_id TEXT,
                cancelled_at \(d.bigint),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX lessons_by_external_id ON lessons (organization_id, external_id)",
            "CREATE INDEX lessons_by_date ON lessons (organization_id, lesson_date, start_minute)",
            "CREATE INDEX lessons_by_class ON lessons (class_id, lesson_date)",
            "CREATE INDEX lessons_by_teacher ON lessons (teacher_id, lesson_date)",
            "CREATE INDEX lessons_by_subject ON lessons (subject_id)",
            """
            CREATE TABLE distance_lessons (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                lesson_id BIGINT NOT NULL UNIQUE REFERENCES lessons(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                created_by BIGINT NOT NULL REFERENCES accounts(id),
                created_at BIGINT NOT NULL
            )
            """,
        ]
    }
}
