-- members_school_pinyin_no (0003) serves every use of this one.
DROP INDEX members_school_name;
